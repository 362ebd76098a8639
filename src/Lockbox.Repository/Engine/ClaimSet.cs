using System.Buffers.Binary;
using System.Runtime.InteropServices;
using Lockbox.Repository.Format;

namespace Lockbox.Repository.Engine;

/// <summary>
/// The blobs one backup has claimed (stored, or on their way into a pack, in this run), so a block seen twice is stored
/// once: a concurrent set of ids in 256 stripes, each an open-addressing table of the ids themselves (linear probing,
/// at most 80% full) under its own lock. 32 bytes per slot and no node, bucket or hash field: about 40 bytes per id
/// against a <c>HashSet</c>'s ~44 plus the half-empty arrays it doubles into (a 4 GiB chat's first backup claims
/// ~550,000 ids), and <see cref="EnsureCapacity"/> sizes the tables once when the backup knows how many blocks come, so
/// they need not grow at all (issue 12: what a backup holds grows with the database).
/// </summary>
internal sealed class ClaimSet
{
    private const int Stripes = 256;
    private const double MaxLoad = 0.8;
    private readonly Stripe[] _stripes = new Stripe[Stripes];

    public ClaimSet()
    {
        for (int i = 0; i < Stripes; i++) _stripes[i] = new Stripe();
    }

    public bool Contains(BlobId id)
    {
        Stripe s = StripeOf(id);
        lock (s) return s.Find(id) >= 0;
    }

    /// <summary>Claims <paramref name="id"/>; false when it was claimed already (by this or another thread).</summary>
    public bool TryAdd(BlobId id)
    {
        Stripe s = StripeOf(id);
        lock (s) return s.Add(id);
    }

    public void Remove(BlobId id)
    {
        Stripe s = StripeOf(id);
        lock (s) s.Remove(id);
    }

    /// <summary>Makes room for <paramref name="ids"/> ids in all (spread evenly, with a margin), so the tables do not grow while they fill.</summary>
    public void EnsureCapacity(long ids)
    {
        int perStripe = (int)Math.Min(int.MaxValue / 2, ids / Stripes + ids / Stripes / 8 + 16);
        foreach (Stripe s in _stripes)
            lock (s) s.Reserve(perStripe);
    }

    public int Count => _stripes.Sum(s => { lock (s) return s.Count; });

    // Byte 8 of the id: independent of the bytes a slot is found by (16-23), and uniform (ids are MACs or hashes).
    private Stripe StripeOf(BlobId id) => _stripes[MemoryMarshal.AsBytes(new ReadOnlySpan<BlobId>(in id))[8]];

    private sealed class Stripe
    {
        private BlobId[] _slots = new BlobId[16]; // the zero id marks an empty slot
        private bool _hasZero;                    // the zero id itself, kept aside

        public int Count { get; private set; }

        private static ulong Hash(BlobId id) => BinaryPrimitives.ReadUInt64LittleEndian(MemoryMarshal.AsBytes(new ReadOnlySpan<BlobId>(in id))[16..]);

        private int Home(BlobId id) => (int)(Hash(id) % (ulong)_slots.Length);

        /// <summary>The slot holding <paramref name="id"/>, or -1 (for the zero id: 0 when present).</summary>
        public int Find(BlobId id)
        {
            if (id.IsZero) return _hasZero ? 0 : -1;
            for (int i = Home(id); ; i = Next(i))
            {
                BlobId slot = _slots[i];
                if (slot.IsZero) return -1;
                if (slot == id) return i;
            }
        }

        public bool Add(BlobId id)
        {
            if (id.IsZero)
            {
                if (_hasZero) return false;
                _hasZero = true;
                Count++;
                return true;
            }
            if (Find(id) >= 0) return false;
            if (Count + 1 > _slots.Length * MaxLoad) Resize(_slots.Length * 2);
            Place(id);
            Count++;
            return true;
        }

        public void Remove(BlobId id)
        {
            if (id.IsZero)
            {
                if (_hasZero) Count--;
                _hasZero = false;
                return;
            }
            int hole = Find(id);
            if (hole < 0) return;
            // Backward-shift deletion: move later ids of the same run into the hole when their home allows it.
            for (int j = Next(hole); !_slots[j].IsZero; j = Next(j))
            {
                int home = Home(_slots[j]);
                bool between = hole <= j ? home > hole && home <= j : home > hole || home <= j;
                if (between) continue;
                _slots[hole] = _slots[j];
                hole = j;
            }
            _slots[hole] = default;
            Count--;
        }

        public void Reserve(int ids)
        {
            int length = (int)Math.Min(int.MaxValue / 2, Math.Ceiling(ids / MaxLoad) + 1);
            if (length > _slots.Length) Resize(length);
        }

        private int Next(int i) => i + 1 == _slots.Length ? 0 : i + 1;

        private void Place(BlobId id)
        {
            int i = Home(id);
            while (!_slots[i].IsZero) i = Next(i);
            _slots[i] = id;
        }

        private void Resize(int length)
        {
            BlobId[] old = _slots;
            _slots = new BlobId[length];
            foreach (BlobId id in old)
                if (!id.IsZero) Place(id);
        }
    }
}
