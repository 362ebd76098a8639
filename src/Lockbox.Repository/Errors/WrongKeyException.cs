namespace Lockbox.Repository;

/// <summary>The key does not open this repository (its key-check value does not match).</summary>
public sealed class WrongKeyException : RepositoryException
{
    public WrongKeyException() : base("wrong key: this backup key does not open the repository") { }
}
