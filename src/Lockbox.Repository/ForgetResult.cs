namespace Lockbox.Repository;

/// <summary>What forget (and prune) removed.</summary>
/// <param name="SnapshotsRemoved">Snapshot objects deleted.</param>
/// <param name="SnapshotsKept">Snapshots left.</param>
/// <param name="PacksDeleted">Packs deleted by prune (dead, or repacked).</param>
/// <param name="PacksRepacked">Mostly-dead packs whose live blobs were copied into new packs.</param>
/// <param name="BytesFreed">Bytes of packs and index objects deleted, minus bytes written by repacking.</param>
public sealed record ForgetResult(int SnapshotsRemoved, int SnapshotsKept, int PacksDeleted, int PacksRepacked, long BytesFreed)
{
    /// <summary>The snapshots forgotten (or, with a dry run, that would be), oldest first.</summary>
    public IReadOnlyList<SnapshotSummary> Removed { get; init; } = [];

    /// <summary>True when nothing was changed (<see cref="ForgetRequest.DryRun"/>).</summary>
    public bool DryRun { get; init; }
}
