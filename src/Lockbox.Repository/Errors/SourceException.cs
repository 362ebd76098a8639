namespace Lockbox.Repository;

/// <summary>A backup source could not be read: missing or unreadable file, or a database that is not SQLite.</summary>
public sealed class SourceException : RepositoryException
{
    public SourceException(string message) : base(message) { }
    public SourceException(string message, Exception innerException) : base(message, innerException) { }
}
