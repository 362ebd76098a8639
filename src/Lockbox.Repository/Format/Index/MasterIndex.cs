using System.Runtime.InteropServices;

namespace Lockbox.Repository.Format.Index;

/// <summary>
/// The in-memory union of every index object: blob id → location, pack id → record, and which index
/// object lists which packs (prune rewrites those). A blob in several packs keeps its first location.
/// </summary>
/// <remarks>
/// Memory (docs/PERFORMANCE.md, "Memory and cloud restore"): a blob's entry fields, its id included, are held once, in its
/// pack's <see cref="PackRecord.Entries"/>; the blob → location map is an array of 8-byte <see cref="BlobLocation"/>s
/// sorted by the id they point at, found by binary search inside one of 65,536 slices (by the id's first 16 bits). That
/// is 8 bytes per blob instead of a dictionary's ~52 and its growth copies. Blobs added since the last merge wait in a
/// small dictionary, merged in when it reaches a quarter of the sorted array (or on <see cref="Compact"/>). Reads may run
/// on several threads at once; adds may not run alongside anything (as with the dictionary before).
/// </remarks>
internal sealed class MasterIndex
{
    private const int SliceBits = 16;
    private const int MinimumPending = 4096;

    private readonly List<PackRecord> _packs = [];
    private readonly Dictionary<BlobId, int> _packPositions = [];
    private BlobLocation[] _sorted = [];
    private int[]? _sliceStart;   // _sorted[_sliceStart[s].._sliceStart[s + 1]] have slice s; null while _sorted is empty
    private Dictionary<BlobId, BlobLocation> _pending = [];
    private readonly Dictionary<string, List<BlobId>> _indexObjects = new(StringComparer.Ordinal);

    public int PackCount => _packPositions.Count;
    public int BlobCount => _sorted.Length + _pending.Count;
    public IReadOnlyDictionary<string, List<BlobId>> IndexObjects => _indexObjects;
    public IEnumerable<PackRecord> Packs => _packPositions.Values.Select(i => _packs[i]);

    public bool ContainsPack(BlobId pack) => _packPositions.ContainsKey(pack);
    public bool ContainsBlob(BlobId blob) => Find(blob, out _);

    public bool TryGet(BlobId blob, out PackRecord pack, out Pack.PackEntry entry) => TryGet(blob, out pack, out entry, out _);

    /// <summary>As <see cref="TryGet(BlobId, out PackRecord, out Pack.PackEntry)"/>, with the entry's position in <see cref="PackRecord.Entries"/>.</summary>
    public bool TryGet(BlobId blob, out PackRecord pack, out Pack.PackEntry entry, out int entryIndex)
    {
        if (Find(blob, out BlobLocation loc))
        {
            pack = _packs[loc.Pack];
            entry = pack.Entries[loc.Entry];
            entryIndex = loc.Entry;
            return true;
        }
        pack = null!;
        entry = default;
        entryIndex = -1;
        return false;
    }

    /// <summary>
    /// Where a blob lives, by position: the pack's position (see <see cref="PackAt"/>) and the entry's position in its
    /// <see cref="PackRecord.Entries"/>. A restore plans with positions so that it can let the index go before reading packs.
    /// </summary>
    public bool TryLocate(BlobId blob, out int pack, out int entry)
    {
        bool found = Find(blob, out BlobLocation loc);
        (pack, entry) = found ? (loc.Pack, loc.Entry) : (-1, -1);
        return found;
    }

    /// <summary>The pack at a position <see cref="TryLocate"/> returned.</summary>
    public PackRecord PackAt(int position) => _packs[position];

    public long TotalPackBytes => Packs.Sum(p => p.Length);

    /// <summary>Adds a pack (listed by <paramref name="indexName"/>, or null while not yet in a written index).</summary>
    public void Add(PackRecord pack, string? indexName)
    {
        if (indexName is not null)
        {
            if (!_indexObjects.TryGetValue(indexName, out List<BlobId>? list)) _indexObjects[indexName] = list = [];
            list.Add(pack.Id);
        }
        if (_packPositions.ContainsKey(pack.Id)) return;
        int position = _packs.Count;
        _packs.Add(pack);
        _packPositions[pack.Id] = position;
        for (int i = 0; i < pack.Entries.Length; i++)
        {
            BlobId id = pack.Entries[i].Id;
            if (!FindSorted(id, out _)) _pending.TryAdd(id, new BlobLocation(position, i));
        }
        if (_pending.Count >= Math.Max(MinimumPending, _sorted.Length / 4)) Compact();
    }

    public void AddIndexObject(string name) => _indexObjects.TryAdd(name, []);

    /// <summary>Merges the blobs added since the last merge into the sorted array (after loading every index object).</summary>
    public void Compact()
    {
        if (_pending.Count == 0) return;
        var added = new BlobLocation[_pending.Count];
        _pending.Values.CopyTo(added, 0);
        _pending = [];
        Array.Sort(added, Compare);
        var merged = new BlobLocation[_sorted.Length + added.Length];
        int a = 0, b = 0, m = 0;
        while (a < _sorted.Length && b < added.Length)
            merged[m++] = Compare(_sorted[a], added[b]) <= 0 ? _sorted[a++] : added[b++];
        while (a < _sorted.Length) merged[m++] = _sorted[a++];
        while (b < added.Length) merged[m++] = added[b++];
        var sliceStart = new int[(1 << SliceBits) + 1];
        for (int i = 0, s = 0; s <= 1 << SliceBits; s++)
        {
            while (i < merged.Length && Slice(IdAt(merged[i])) < s) i++;
            sliceStart[s] = i;
        }
        _sliceStart = sliceStart;
        _sorted = merged;
    }

    private bool Find(BlobId blob, out BlobLocation location) => FindSorted(blob, out location) || _pending.TryGetValue(blob, out location);

    private bool FindSorted(BlobId blob, out BlobLocation location)
    {
        location = default;
        if (_sliceStart is not { } starts) return false;
        int slice = Slice(blob);
        int lo = starts[slice], hi = starts[slice + 1] - 1;
        while (lo <= hi)
        {
            int mid = lo + ((hi - lo) >> 1);
            int c = Compare(IdAt(_sorted[mid]), blob);
            if (c == 0)
            {
                location = _sorted[mid];
                return true;
            }
            if (c < 0) lo = mid + 1;
            else hi = mid - 1;
        }
        return false;
    }

    private BlobId IdAt(BlobLocation location) => _packs[location.Pack].Entries[location.Entry].Id;

    private int Compare(BlobLocation x, BlobLocation y) => Compare(IdAt(x), IdAt(y));

    /// <summary>A total order on ids: their four 64-bit words in turn (any fixed order will do; ids are uniform).</summary>
    private static int Compare(BlobId x, BlobId y)
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

    private static int Slice(BlobId id) => (int)(MemoryMarshal.Cast<BlobId, ulong>(new ReadOnlySpan<BlobId>(in id))[0] >> (64 - SliceBits));
}
