using System.Security.Cryptography;

namespace Lockbox.Client.Vault;

/// <summary>
/// The vault's freshness anchor for an account (issue 10): the sequence number and 32-byte hash of the newest
/// snapshot the device has backed up, advanced only with the management credential, signed by the fleet and
/// released with the key on a password recovery. A new device with no state of its own uses it to refuse a store
/// that hides its newest backups.
/// <para>
/// It does not catch: backups newer than the last anchor advance (a device that backed up and then could not
/// reach the vault); a store that serves the anchored snapshot but hides or alters nothing else the anchor
/// names; or an attacker who holds the management credential (K) and moves the anchor.
/// </para>
/// </summary>
public sealed record FreshnessAnchor(long Sequence, ReadOnlyMemory<byte> Hash)
{
    public const int HashSize = 32;

    /// <summary>
    /// Refuses a store whose newest snapshot is older than the anchor, or is the anchored one with another hash
    /// (<see cref="VaultFailure.StaleStore"/>); a newer snapshot than the anchor is accepted.
    /// </summary>
    public void Check(long newestSequence, ReadOnlySpan<byte> newestHash)
    {
        if (newestSequence < Sequence)
            throw new VaultException(VaultFailure.StaleStore,
                $"The store's newest snapshot is number {newestSequence}, but the vault says this account backed up number {Sequence}: the store is hiding newer backups (or is an old copy). Nothing was restored.");
        if (newestSequence == Sequence && !CryptographicOperations.FixedTimeEquals(newestHash, Hash.Span))
            throw new VaultException(VaultFailure.StaleStore,
                $"The store's snapshot number {Sequence} is not the one the vault anchored (its hash differs): the store substituted it. Nothing was restored.");
    }

    public override string ToString() => $"FreshnessAnchor(snapshot {Sequence})";
}
