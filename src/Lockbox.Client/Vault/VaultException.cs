namespace Lockbox.Client.Vault;

/// <summary>
/// A vault operation failed. <see cref="Failure"/> says why; the message is one line for the user and
/// never contains a password, token or key.
/// </summary>
public sealed class VaultException : Exception
{
    public VaultException(VaultFailure failure, string message, int? guessesLeft = null)
        : base(message)
    {
        Failure = failure;
        GuessesLeft = guessesLeft;
    }

    public VaultException(VaultFailure failure, string message, Exception innerException)
        : base(message, innerException)
    {
        Failure = failure;
    }

    public VaultException()
        : this(VaultFailure.Rejected, "The vault operation failed.")
    {
    }

    public VaultException(string message)
        : this(VaultFailure.Rejected, message)
    {
    }

    public VaultException(string message, Exception innerException)
        : this(VaultFailure.Rejected, message, innerException)
    {
    }

    /// <summary>Why the operation failed.</summary>
    public VaultFailure Failure { get; }

    /// <summary>For <see cref="VaultFailure.WrongPassword"/>: guesses left before the escrowed key is erased.</summary>
    public int? GuessesLeft { get; }
}
