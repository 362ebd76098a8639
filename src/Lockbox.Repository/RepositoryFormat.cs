using Lockbox.Repository.Format;

namespace Lockbox.Repository;

/// <summary>The repository format versions this build reads and writes (docs/FORMAT.md "Versioning"), for <c>lockbox --version</c>.</summary>
public static class RepositoryFormat
{
    /// <summary>The oldest format version this build opens (and keeps writing in that format).</summary>
    public const int Oldest = FormatConstants.OldestRepositoryVersion;

    /// <summary>The format version a new repository gets.</summary>
    public const int Current = FormatConstants.RepositoryVersion;
}
