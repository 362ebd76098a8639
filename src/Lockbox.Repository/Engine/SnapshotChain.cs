using Lockbox.Repository.Format;
using Lockbox.Repository.Format.Snapshot;

namespace Lockbox.Repository.Engine;

/// <summary>
/// Orders snapshots by sequence and checks the chain (FORMAT.md "Chain and rollback"): sequences are
/// consecutive, each snapshot names its predecessor's id, and the newest is not older than what this
/// device has already seen. A snapshot that forget removed keeps its place in the chain through its
/// forgotten-snapshots record (issue 13), so per-source forget leaves a checkable chain; only the oldest
/// link may name a predecessor that is gone without a record.
/// </summary>
internal static class SnapshotChain
{
    public static List<(BlobId Id, SnapshotManifest Manifest)> Order(Dictionary<BlobId, SnapshotManifest> snapshots, long knownSequence, List<RepositoryProblem> problems,
        IReadOnlyDictionary<BlobId, ForgottenSnapshot>? forgotten = null)
    {
        // A snapshot a forgotten record lists is forgotten even if its object is still there (a forget that crashed before
        // deleting it, or a store replaying a copy): it is neither listed nor restored, and the next forget deletes it.
        var ordered = snapshots.Where(kv => forgotten is null || !forgotten.ContainsKey(kv.Key))
            .Select(kv => (kv.Key, kv.Value)).OrderBy(s => s.Value.Sequence).ToList();
        // Every link: present snapshots, and forgotten ones newer than the oldest present one.
        var links = ordered.Select(s => (Id: s.Key, s.Value.Sequence, s.Value.Previous, Present: true)).ToList();
        if (forgotten is not null)
        {
            long oldest = ordered.Count == 0 ? long.MaxValue : ordered[0].Value.Sequence;
            foreach (ForgottenSnapshot f in forgotten.Values)
                if (f.Sequence > oldest) links.Add((f.Id, f.Sequence, f.Previous, false));
            links.Sort((a, b) => a.Sequence.CompareTo(b.Sequence));
        }
        for (int i = 1; i < links.Count; i++)
        {
            var cur = links[i];
            var prev = links[i - 1];
            string name = (cur.Present ? FormatConstants.SnapshotPrefix : FormatConstants.ForgottenPrefix) + cur.Id.ToHex();
            if (cur.Sequence == prev.Sequence)
                problems.Add(new(name, $"two snapshots with sequence {cur.Sequence} (forked chain)"));
            else if (cur.Sequence != prev.Sequence + 1)
                problems.Add(new(name, $"snapshot {cur.Sequence} follows {prev.Sequence}: snapshots in between are missing"));
            else if (cur.Previous != prev.Id)
                problems.Add(new(name, $"does not chain to snapshot {prev.Sequence} (a snapshot was replaced)"));
        }
        long newest = links.Count == 0 ? 0 : links[^1].Sequence;
        if (forgotten is not null)
            foreach (ForgottenSnapshot f in forgotten.Values) newest = Math.Max(newest, f.Sequence);
        if (newest < knownSequence)
            problems.Add(new("snapshots/", $"the newest snapshot is {newest} but this device has seen snapshot {knownSequence}: the store hides or rolled back snapshots"));
        return ordered;
    }

    /// <summary>
    /// The newest link of the chain, present or forgotten: a new backup gets its sequence + 1 and names its id as previous
    /// (so forgetting the newest snapshot never reuses its sequence). Zero sequence for an empty repository.
    /// </summary>
    public static (long Sequence, BlobId Id) Head(IReadOnlyList<(BlobId Id, SnapshotManifest Manifest)> ordered, IReadOnlyDictionary<BlobId, ForgottenSnapshot> forgotten)
    {
        (long Sequence, BlobId Id) head = ordered.Count == 0 ? (0, default) : (ordered[^1].Manifest.Sequence, ordered[^1].Id);
        foreach (ForgottenSnapshot f in forgotten.Values)
            if (f.Sequence > head.Sequence) head = (f.Sequence, f.Id);
        return head;
    }

    /// <summary>Orders and throws on the first problem.</summary>
    public static List<(BlobId Id, SnapshotManifest Manifest)> OrderOrThrow(Dictionary<BlobId, SnapshotManifest> snapshots, long knownSequence,
        IReadOnlyDictionary<BlobId, ForgottenSnapshot>? forgotten = null)
    {
        var problems = new List<RepositoryProblem>();
        var ordered = Order(snapshots, knownSequence, problems, forgotten);
        if (problems.Count > 0) throw new RepositoryDamagedException(problems[0]);
        return ordered;
    }
}
