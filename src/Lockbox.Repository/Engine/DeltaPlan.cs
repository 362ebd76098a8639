using Lockbox.Repository.Format;

namespace Lockbox.Repository.Engine;

/// <summary>
/// What a backup knows about the previous version of each database block (format 2): <see cref="PreviousBase"/>[i] is
/// the whole blob block i of the previous snapshot of the same database rebuilds from (its base when it was a delta,
/// else its own id); the delta phase fills <see cref="Bases"/>[i] with the base of each block it stores or reuses as a delta.
/// The workers only hash: a changed block with a usable base is put aside (<see cref="Defer"/>) and compressed against its
/// base after every block is hashed, the bases read pack by pack, so each pack holding bases is read once per backup.
/// </summary>
internal sealed class DeltaPlan(BlobId[] previousBase, long blockCount)
{
    private readonly List<int> _deferred = [];

    public BlobId[] PreviousBase { get; } = previousBase;
    public BlobId[] Bases { get; } = new BlobId[blockCount];

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
