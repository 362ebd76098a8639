using Lockbox.Repository.Format;
using Lockbox.Repository.Format.Snapshot;

namespace Lockbox.Repository.Engine;

/// <summary>
/// What a backup knows about the previous version of each database block (format 2): <see cref="PreviousBase"/>[i] is
/// the whole blob block i of the previous snapshot of the same database rebuilds from (its base when it was a delta,
/// else its own id); the delta phase records (<see cref="SetBase"/>) the base of each block it stores or reuses as a delta,
/// a few percent of the blocks, so they are kept by block number rather than in a second array as long as the database.
/// The workers only hash: a changed block with a usable base is put aside (<see cref="Defer"/>) and compressed against its
/// base after every block is hashed, the bases read pack by pack, so each pack holding bases is read once per backup.
/// </summary>
internal sealed class DeltaPlan(BlobId[] previousBase, long blockCount)
{
    private readonly List<int> _deferred = [];
    private readonly Dictionary<int, BlobId> _bases = [];

    public BlobId[] PreviousBase { get; } = previousBase;
    public long BlockCount { get; } = blockCount;

    /// <summary>Block <paramref name="slot"/> is stored (or already was) as a delta against <paramref name="baseId"/>.</summary>
    public void SetBase(int slot, BlobId baseId)
    {
        lock (_bases) _bases[slot] = baseId;
    }

    /// <summary>The blocks stored as deltas, in block order: the snapshot's delta list.</summary>
    public List<DeltaEntry> DeltaEntries()
    {
        lock (_bases) return [.. _bases.OrderBy(b => b.Key).Select(b => new DeltaEntry(b.Key, b.Value))];
    }

    /// <summary>Block <paramref name="slot"/> changed and has a base: the delta phase decides how it is stored.</summary>
    public void Defer(int slot)
    {
        lock (_deferred) _deferred.Add(slot);
    }

    /// <summary>The blocks put aside, in ascending order.</summary>
    public int[] TakeDeferred()
    {
        lock (_deferred)
        {
            int[] slots = [.. _deferred];
            _deferred.Clear();
            Array.Sort(slots);
            return slots;
        }
    }
}
