using Lockbox.Repository.Format;
using Lockbox.Repository.Format.Snapshot;

namespace Lockbox.Repository.Engine;

/// <summary>
/// What a format 2 backup decides about changed database blocks. The workers only hash: a changed block whose previous
/// version (from <see cref="PreviousBlockList"/>, one piece at a time) can serve as its base is put aside
/// (<see cref="Defer"/>, with its id and base) and compressed against that base after every block is hashed, the bases
/// read pack by pack, so each pack holding bases is read once per backup. The delta phase records (<see cref="SetBase"/>)
/// the base of each block it stores or reuses as a delta. Both are a few percent of the blocks, kept by block number:
/// nothing here is as long as the database.
/// </summary>
internal sealed class DeltaPlan
{
    private readonly Lock _deferring = new();
    private List<Deferred> _deferred = [];
    private readonly List<DeltaEntry> _bases = [];

    /// <summary>A block put aside: its number, its id (as in the new block list) and the whole blob to try as its base.</summary>
    public readonly record struct Deferred(long Block, BlobId Id, BlobId Base);

    /// <summary>Block <paramref name="block"/> is stored (or already was) as a delta against <paramref name="baseId"/>; once per block (the delta phase handles each deferred block once).</summary>
    public void SetBase(long block, BlobId baseId)
    {
        lock (_bases) _bases.Add(new DeltaEntry(block, baseId));
    }

    /// <summary>The blocks stored as deltas, in block order: the snapshot's delta list (sorted in place, 40 bytes an entry, no copy).</summary>
    public List<DeltaEntry> DeltaEntries()
    {
        lock (_bases)
        {
            System.Runtime.InteropServices.CollectionsMarshal.AsSpan(_bases).Sort(static (a, b) => a.Block.CompareTo(b.Block));
            return _bases;
        }
    }

    /// <summary>Block <paramref name="block"/> (id <paramref name="id"/>) changed and has a base: the delta phase decides how it is stored.</summary>
    public void Defer(long block, BlobId id, BlobId baseId)
    {
        lock (_deferring) _deferred.Add(new Deferred(block, id, baseId));
    }

    /// <summary>The blocks put aside, in ascending block order (the plan's own list, handed over: no copy of it is made).</summary>
    public List<Deferred> TakeDeferred()
    {
        List<Deferred> blocks;
        lock (_deferring)
        {
            blocks = _deferred;
            _deferred = [];
        }
        System.Runtime.InteropServices.CollectionsMarshal.AsSpan(blocks).Sort(static (a, b) => a.Block.CompareTo(b.Block));
        return blocks;
    }
}
