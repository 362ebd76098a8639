using Lockbox.Repository.Format;
using Lockbox.Repository.Format.Snapshot;

namespace Lockbox.Repository.Engine;

/// <summary>
/// What a format 2 backup decides about changed database blocks. The workers only hash: a changed block whose previous
/// version (from <see cref="PreviousBlockList"/>, one piece at a time) can serve as its base is put aside
/// (<see cref="Defer"/>, with its id and base) and compressed against that base later, the bases read pack by pack
/// (<see cref="DeltaPhase"/>). The backup hands the blocks put aside to the delta phase a stretch at a time
/// (<see cref="TakeDeferred"/> with the first block not yet hashed), and takes back what the phase stored as deltas
/// (<see cref="SetBase"/>, <see cref="TakeBases"/>) to write the delta list piece by piece (<see cref="DeltaListWriter"/>):
/// neither list is kept whole (issue 12: at 4 GiB a next day defers ~100,000 blocks, 72 + 40 + 40 bytes each).
/// </summary>
internal sealed class DeltaPlan
{
    private readonly Lock _deferring = new();
    private List<Deferred> _deferred = [];
    private readonly List<DeltaEntry> _bases = [];

    /// <summary>A block put aside: its number, its id (as in the new block list) and the whole blob to try as its base.</summary>
    public readonly record struct Deferred(long Block, BlobId Id, BlobId Base);

    /// <summary>Blocks put aside and not yet taken.</summary>
    public int DeferredCount
    {
        get { lock (_deferring) return _deferred.Count; }
    }

    /// <summary>Block <paramref name="block"/> is stored (or already was) as a delta against <paramref name="baseId"/>; once per block (the delta phase handles each deferred block once).</summary>
    public void SetBase(long block, BlobId baseId)
    {
        lock (_bases) _bases.Add(new DeltaEntry(block, baseId));
    }

    /// <summary>
    /// The blocks stored as deltas since the last call, in block order (sorted in place), and forgotten here: with
    /// <see cref="TakeDeferred"/> taking the deferred blocks in ascending stretches, each call's entries follow the previous
    /// call's, so their concatenation is the snapshot's delta list.
    /// </summary>
    public DeltaEntry[] TakeBases()
    {
        lock (_bases)
        {
            System.Runtime.InteropServices.CollectionsMarshal.AsSpan(_bases).Sort(static (a, b) => a.Block.CompareTo(b.Block));
            DeltaEntry[] taken = [.. _bases];
            _bases.Clear();
            return taken;
        }
    }

    /// <summary>Block <paramref name="block"/> (id <paramref name="id"/>) changed and has a base: the delta phase decides how it is stored.</summary>
    public void Defer(long block, BlobId id, BlobId baseId)
    {
        lock (_deferring) _deferred.Add(new Deferred(block, id, baseId));
    }

    /// <summary>
    /// The blocks put aside below <paramref name="beforeBlock"/> (every block before it must be hashed: the workers may still be
    /// putting aside later ones), in ascending block order; they are no longer kept here.
    /// </summary>
    public List<Deferred> TakeDeferred(long beforeBlock = long.MaxValue)
    {
        List<Deferred> blocks;
        lock (_deferring)
        {
            int below = 0;
            foreach (Deferred d in _deferred)
                if (d.Block < beforeBlock) below++;
            if (below == _deferred.Count)
            {
                blocks = _deferred;
                _deferred = [];
            }
            else
            {
                blocks = new List<Deferred>(below);
                var rest = new List<Deferred>(Math.Max(_deferred.Count - below, 16));
                foreach (Deferred d in _deferred)
                    (d.Block < beforeBlock ? blocks : rest).Add(d);
                _deferred = rest;
            }
        }
        System.Runtime.InteropServices.CollectionsMarshal.AsSpan(blocks).Sort(static (a, b) => a.Block.CompareTo(b.Block));
        return blocks;
    }
}
