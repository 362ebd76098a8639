using Lockbox.Client.Vault;
using Lockbox.Repository;

namespace Lockbox.Client;

/// <summary>
/// One backup as the SDK made it: the snapshot, and (in password mode) the freshness anchor the vault now keeps for
/// it. The snapshot is safe in the store whatever the anchor did: a vault that could not be told is a warning
/// (<see cref="AnchorWarning"/>), not a failed backup.
/// </summary>
/// <param name="Snapshot">The snapshot saved.</param>
/// <param name="Anchor">The anchor the vault returned (sequence and snapshot id), or null when none was advanced.</param>
/// <param name="AnchorWarning">One line saying why the anchor could not be advanced, or null.</param>
public sealed record BackupResult(SnapshotSummary Snapshot, FreshnessAnchor? Anchor = null, string? AnchorWarning = null);
