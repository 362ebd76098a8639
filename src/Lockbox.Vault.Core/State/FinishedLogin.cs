namespace Lockbox.Vault.Core.State;

/// <summary>
/// The outcome of a login attempt's KE3, kept until the attempt would have expired, so the same KE3 sent again
/// (a device retrying on another node after losing the answer) gets the same answer and nothing is counted or
/// changed twice. The sealed key is sealed to that attempt's session key: only the device that ran it can open it.
/// </summary>
internal sealed record FinishedLogin(string AccountId, byte[] Ke3Hash, VaultOutcome Outcome, byte[]? SealedKey, int GuessesLeft, bool Locked, bool Erased, long ExpiresMs)
{
    /// <summary>The freshness anchor released with the key (issue 10).</summary>
    public long AnchorSequence { get; init; }

    public byte[] AnchorHash { get; init; } = [];

    public VaultResult ToResult() => new(Outcome) { SealedKey = SealedKey, GuessesLeft = GuessesLeft, Locked = Locked, Erased = Erased, AnchorSequence = AnchorSequence, AnchorHash = AnchorHash };
}
