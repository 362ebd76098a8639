namespace Lockbox.Vault.Core.State;

/// <summary>The response half of a command: an outcome and, depending on it, the fields the API returns.</summary>
internal sealed record VaultResult(VaultOutcome Outcome)
{
    public byte[]? KE2 { get; init; }
    public byte[]? SessionId { get; init; }
    public int? GuessesLeft { get; init; }
    public byte[]? SealedKey { get; init; }
    public long? Version { get; init; }
    public int? GuessLimit { get; init; }
    public bool Locked { get; init; }
    public bool Erased { get; init; }
    public KsfParameters? Ksf { get; init; }
    public byte[]? RegistrationResponse { get; init; }
    public long? AnchorSequence { get; init; }
    public byte[]? AnchorHash { get; init; }

    /// <summary>
    /// Accounts whose escrowed key was erased because their last pending logins expired while this command applied
    /// (every command first expires what is due, a tick does nothing else): for the audit trail.
    /// </summary>
    public IReadOnlyList<string> ExpiryErasures { get; init; } = [];

    public static VaultResult Of(VaultOutcome outcome) => new(outcome);
}
