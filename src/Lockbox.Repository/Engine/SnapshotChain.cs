using Lockbox.Repository.Format;
using Lockbox.Repository.Format.Snapshot;

namespace Lockbox.Repository.Engine;

/// <summary>
/// Orders snapshots by sequence and checks the chain (FORMAT.md "Chain and rollback"): sequences are
/// consecutive, each snapshot names its predecessor's id, and the newest is not older than what this
/// device has already seen. Only the oldest snapshot may name a predecessor that is gone (forgotten).
/// </summary>
internal static class SnapshotChain
{
    public static List<(BlobId Id, SnapshotManifest Manifest)> Order(Dictionary<BlobId, SnapshotManifest> snapshots, long knownSequence, List<RepositoryProblem> problems)
    {
        var ordered = snapshots.Select(kv => (kv.Key, kv.Value)).OrderBy(s => s.Value.Sequence).ToList();
        for (int i = 1; i < ordered.Count; i++)
        {
            var (id, m) = ordered[i];
            var (prevId, prev) = ordered[i - 1];
            string name = FormatConstants.SnapshotPrefix + id.ToHex();
            if (m.Sequence == prev.Sequence)
                problems.Add(new(name, $"two snapshots with sequence {m.Sequence} (forked chain)"));
            else if (m.Sequence != prev.Sequence + 1)
                problems.Add(new(name, $"snapshot {m.Sequence} follows {prev.Sequence}: snapshots in between are missing"));
            else if (m.Previous != prevId)
                problems.Add(new(name, $"does not chain to snapshot {prev.Sequence} (a snapshot was replaced)"));
        }
        long newest = ordered.Count == 0 ? 0 : ordered[^1].Value.Sequence;
        if (newest < knownSequence)
            problems.Add(new("snapshots/", $"the newest snapshot is {newest} but this device has seen snapshot {knownSequence}: the store hides or rolled back snapshots"));
        return ordered;
    }

    /// <summary>Orders and throws on the first problem.</summary>
    public static List<(BlobId Id, SnapshotManifest Manifest)> OrderOrThrow(Dictionary<BlobId, SnapshotManifest> snapshots, long knownSequence)
    {
        var problems = new List<RepositoryProblem>();
        var ordered = Order(snapshots, knownSequence, problems);
        if (problems.Count > 0) throw new RepositoryDamagedException(problems[0]);
        return ordered;
    }
}
