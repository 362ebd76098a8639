namespace Lockbox.Vault.Core.State;

/// <summary>A KE2 that has left the vault and awaits its KE3 (one use; expires at <see cref="ExpiresMs"/>).</summary>
/// <param name="Fake">True for the unknown-account path: no KE3 can succeed.</param>
/// <param name="RecordVersion">The record version the KE2 was computed from; a change in between voids the session.</param>
internal sealed record PendingLogin(string AccountId, byte[] ServerState, long ExpiresMs, bool Fake, long RecordVersion)
{
    /// <summary>SHA-256 of the KE1 that started it: the same attempt sent again (same id, same KE1) gets the same KE2, uncounted.</summary>
    public byte[] Ke1Hash { get; init; } = [];

    /// <summary>The KE2 issued, so a retried start of this attempt returns it again instead of counting a new guess.</summary>
    public byte[] KE2 { get; init; } = [];

    /// <summary>The guesses left as the first answer said.</summary>
    public int GuessesLeft { get; init; }
}
