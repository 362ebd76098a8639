namespace Lockbox.Repository;

/// <summary>
/// Base of every failure the engine reports to a user. The message is one line, fit to print as is,
/// and never holds key material or backed-up content.
/// </summary>
public abstract class RepositoryException : Exception
{
    private protected RepositoryException(string message) : base(message) { }
    private protected RepositoryException(string message, Exception innerException) : base(message, innerException) { }
}
