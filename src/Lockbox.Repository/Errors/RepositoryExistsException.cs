namespace Lockbox.Repository;

/// <summary>Init found a repository (or other objects) already in the store; nothing was changed.</summary>
public sealed class RepositoryExistsException : RepositoryException
{
    public RepositoryExistsException(string where) : base($"{where} already holds a repository; refusing to overwrite it") { }
}
