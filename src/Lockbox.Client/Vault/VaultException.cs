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

    /// <summary>A signed <c>not_leader</c> answer: the node that leads (the client moves there); internal to failover.</summary>
    internal bool NotLeader { get; init; }

    /// <summary>With <see cref="NotLeader"/>: the leader's URL as the vault named it, if it did.</summary>
    internal string? Leader { get; init; }
}
