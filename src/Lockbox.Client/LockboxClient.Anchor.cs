using Lockbox.Client.Vault;
using Lockbox.Cryptography;
using Lockbox.Repository;

namespace Lockbox.Client;

// The vault's freshness anchor in the backup and restore flows (issue 10; docs/SDK.md "Freshness anchor",
// docs/SECURITY.md). The anchor names a snapshot by its sequence number and its id, the SHA-256 of the stored
// snapshot object (SnapshotSummary.Id, 64 hex digits = 32 bytes): what a store that substitutes the object changes.
public sealed partial class LockboxClient
{
    /// <summary>
    /// After a successful backup: advances the account's anchor to <paramref name="snapshot"/> when this client is in
    /// password mode for the repository (its <see cref="LockboxClientOptions.Vault"/> names the account the repository
    /// remembers in the hints of the config it was opened with). A vault failure becomes the result's warning: the snapshot is already safe in the store.
    /// </summary>
    private async Task<BackupResult> AdvanceAnchorAsync(RepositoryHints? hints, SnapshotSummary snapshot, BackupKey key, CancellationToken cancellationToken)
    {
        if (_options.Vault is not { } vault) return new BackupResult(snapshot);
        if (hints?.AccountId is null || !string.Equals(hints.AccountId, vault.AccountId, StringComparison.Ordinal))
            return new BackupResult(snapshot);
        try
        {
            using var client = new VaultClient(vault);
            FreshnessAnchor anchor = await client.AdvanceAnchorAsync(key, snapshot.Sequence, Convert.FromHexString(snapshot.Id), cancellationToken).ConfigureAwait(false);
            return new BackupResult(snapshot, anchor);
        }
        catch (VaultException e)
        {
            return new BackupResult(snapshot, null,
                $"Snapshot #{snapshot.Sequence} is saved, but the vault's freshness anchor was not advanced to it ({e.Message}); until a later backup advances it, a new device cannot tell if a store hides this backup.");
        }
    }

    /// <summary>
    /// Before a restore with a key recovered from the vault: the store's newest snapshot (the one "latest" restores)
    /// must be at least the anchored one, and be the anchored one when the sequence numbers match.
    /// </summary>
    private static async Task CheckFreshnessAsync(BackupRepository repository, FreshnessAnchor anchor, CancellationToken cancellationToken)
    {
        IReadOnlyList<SnapshotSummary> snapshots = await repository.ListSnapshotsAsync(cancellationToken).ConfigureAwait(false);
        SnapshotSummary? newest = snapshots.MaxBy(s => s.Sequence);
        if (newest is null)
            anchor.Check(0, []);
        else
            anchor.Check(newest.Sequence, Convert.FromHexString(newest.Id));
    }
}
