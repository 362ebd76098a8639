using System.Runtime.InteropServices;

namespace Lockbox.Repository.Format.Index;

/// <summary>
/// One of <see cref="MasterIndex"/>'s 256 buckets of <see cref="IndexSlot"/>s (blobs whose id has the same top byte), held
/// in chunks of 64 slots (2,560 bytes) that are filled as index objects are read and then sorted in place: the lookup is
/// never copied, never grown into a new array and never held twice (docs/PERFORMANCE.md, "The index at 40 bytes a blob").
/// Slots are ordered by id, then pack, then entry, so a blob's first location comes first.
/// </summary>
internal sealed class SlotBucket
{
    private const int ChunkBits = 6;
    private const int ChunkSize = 1 << ChunkBits;

    private readonly List<IndexSlot[]> _chunks = [];

    /// <summary>Slots held; the first <see cref="Sorted"/> of them are in order and searched.</summary>
    public int Count { get; private set; }
    public int Sorted { get; private set; }

    /// <summary>Distinct ids among the sorted slots.</summary>
    public int Distinct { get; private set; }

    public ref IndexSlot this[int i] => ref _chunks[i >> ChunkBits][i & (ChunkSize - 1)];

    public void Add(IndexSlot slot)
    {
        if ((Count & (ChunkSize - 1)) == 0) _chunks.Add(new IndexSlot[ChunkSize]);
        this[Count++] = slot;
    }

    /// <summary>Sorts every slot held (heapsort, in place: no second array), and counts the distinct ids.</summary>
    public void Sort()
    {
        if (Sorted == Count) return;
        int n = Count;
        for (int i = n / 2 - 1; i >= 0; i--) SiftDown(i, n);
        for (int end = n - 1; end > 0; end--)
        {
            (this[0], this[end]) = (this[end], this[0]);
            SiftDown(0, end);
        }
        int distinct = 0;
        for (int i = 0; i < n; i++)
            if (i == 0 || this[i].Id != this[i - 1].Id) distinct++;
        Distinct = distinct;
        Sorted = n;
    }

    /// <summary>The first sorted slot of <paramref name="id"/>: its first location.</summary>
    public bool Find(BlobId id, out IndexSlot slot)
    {
        int lo = 0, hi = Sorted;
        while (lo < hi)
        {
            int mid = lo + ((hi - lo) >> 1);
            if (Compare(this[mid].Id, id) < 0) lo = mid + 1;
            else hi = mid;
        }
        if (lo < Sorted && this[lo].Id == id)
        {
            slot = this[lo];
            return true;
        }
        slot = default;
        return false;
    }

    private void SiftDown(int root, int n)
    {
        while (true)
        {
            int child = 2 * root + 1;
            if (child >= n) return;
            if (child + 1 < n && Compare(this[child], this[child + 1]) < 0) child++;
            if (Compare(this[root], this[child]) >= 0) return;
            (this[root], this[child]) = (this[child], this[root]);
            root = child;
        }
    }

    public static int Compare(in IndexSlot x, in IndexSlot y)
    {
        int c = Compare(x.Id, y.Id);
        if (c != 0) return c;
        c = x.Pack.CompareTo(y.Pack);
        return c != 0 ? c : x.Entry.CompareTo(y.Entry);
    }

    /// <summary>A total order on ids: their four 64-bit words in turn (any fixed order will do; ids are uniform).</summary>
    public static int Compare(BlobId x, BlobId y)
    {
        ReadOnlySpan<ulong> a = MemoryMarshal.Cast<BlobId, ulong>(new ReadOnlySpan<BlobId>(in x));
        ReadOnlySpan<ulong> b = MemoryMarshal.Cast<BlobId, ulong>(new ReadOnlySpan<BlobId>(in y));
        for (int i = 0; i < 4; i++)
        {
            int c = a[i].CompareTo(b[i]);
            if (c != 0) return c;
        }
        return 0;
    }
}
