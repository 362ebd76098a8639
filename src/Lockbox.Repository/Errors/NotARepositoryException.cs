namespace Lockbox.Repository;

/// <summary>The store holds no Lockbox repository (no config object, or one that is not Lockbox's).</summary>
public sealed class NotARepositoryException : RepositoryException
{
    public NotARepositoryException(string where) : base($"{where} is not a Lockbox repository") { }
    public NotARepositoryException(string where, string reason) : base($"{where} is not a Lockbox repository: {reason}") { }
}
