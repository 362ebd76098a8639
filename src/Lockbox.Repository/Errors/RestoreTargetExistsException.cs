namespace Lockbox.Repository;

/// <summary>A restore would overwrite an existing file and overwriting was not asked for; nothing was written.</summary>
public sealed class RestoreTargetExistsException : RepositoryException
{
    public RestoreTargetExistsException(string path)
        : base($"{path} already exists; refusing to overwrite it (restore to an empty folder, or allow overwriting)") => Path = path;

    public string Path { get; }
}
