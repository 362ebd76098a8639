using System.Runtime.InteropServices;
using Lockbox.Repository.Format.Pack;

namespace Lockbox.Repository.Format.Index;

/// <summary>
/// The in-memory union of every index object: blob id → (pack, entry), pack records, and which index object lists which
/// packs (prune rewrites those). A blob in several packs is found at its first location (the pack added first).
/// </summary>
/// <remarks>
/// Memory (docs/PERFORMANCE.md, "The index at 40 bytes a blob"): per blob a 40-byte <see cref="IndexSlot"/> (id, pack
/// position, entry position) in one of 256 arrays by the id's top byte, each sorted by id and searched by bisection, plus
/// 8 bytes of entry fields (<see cref="EntryFields"/>) and an offset per 16 entries (<see cref="PackLayout"/>); per pack a
/// record with the SHA-256 of its entries, which a restore and verify check each pack's own header against. Slots added
/// by <see cref="AddLoaded"/> wait in small chunks until <see cref="Compact"/> places each bucket once, in an array of its
/// exact size (no growth copies, no second array of the whole index). Reads may run on several threads at once; adds may
/// not run alongside anything.
/// </remarks>
internal sealed class MasterIndex
{
    private const int BucketBits = 8;
    private const int Buckets = 1 << BucketBits;
    private const int FirstChunk = 64;
    private const int LargestChunk = 2000;   // 80,000 bytes: below the large-object heap's threshold

    private readonly List<PackRecord> _packs = [];
    private readonly List<PackLayout> _layouts = [];
    private readonly Dictionary<BlobId, int> _packPositions = [];
    private readonly EntryFieldStore _fields = new();
    private readonly IndexSlot[][] _sorted = new IndexSlot[Buckets][];
    private readonly int[] _distinct = new int[Buckets];
    private readonly List<IndexSlot[]>?[] _pending = new List<IndexSlot[]>?[Buckets];
    private readonly int[] _pendingCount = new int[Buckets];
    private readonly int[] _lastFill = new int[Buckets];   // slots used in each bucket's last pending chunk
    private int _pendingTotal;
    private readonly Dictionary<string, List<BlobId>> _indexObjects = new(StringComparer.Ordinal);

    public MasterIndex()
    {
        for (int b = 0; b < Buckets; b++) _sorted[b] = [];
    }

    public int PackCount => _packs.Count;

    /// <summary>Distinct blobs (after <see cref="Compact"/>).</summary>
    public int BlobCount
    {
        get
        {
            int n = 0;
            foreach (int d in _distinct) n += d;
            return n;
        }
    }

    public IReadOnlyDictionary<string, List<BlobId>> IndexObjects => _indexObjects;

    /// <summary>The packs as held, without their entries (id, length, entry count, entries digest), in the order added.</summary>
    public IReadOnlyList<PackRecord> PackList => _packs;

    /// <summary>
    /// Every pack with its entries, rebuilt from the compact form (56 bytes a blob while held: for prune, index
    /// consolidation and tests, not for restore, verify or backup).
    /// </summary>
    public IEnumerable<PackRecord> Packs
    {
        get
        {
            RequireCompacted();
            var entries = new PackEntry[_packs.Count][];
            for (int p = 0; p < entries.Length; p++) entries[p] = new PackEntry[_packs[p].EntryCount];
            foreach (IndexSlot[] bucket in _sorted)
                foreach (IndexSlot s in bucket) entries[s.Pack][s.Entry] = _layouts[s.Pack].EntryAt(s.Id, s.Entry, _fields);
            return _packs.Select((p, i) => p with { Entries = entries[i] });
        }
    }

    public long TotalPackBytes => _packs.Sum(p => p.Length);

    /// <summary>The raw bytes of every indexed entry (a blob in two packs counts twice, as it is stored twice).</summary>
    public long TotalRawBytes
    {
        get
        {
            long sum = 0;
            for (int i = 0; i < _fields.Count; i++) sum += EntryFields.RawLength(_fields[i]);
            return sum;
        }
    }

    public bool ContainsPack(BlobId pack) => _packPositions.ContainsKey(pack);
    public bool ContainsBlob(BlobId blob) => Find(blob, out _);

    public bool TryGet(BlobId blob, out PackRecord pack, out PackEntry entry) => TryGet(blob, out pack, out entry, out _);

    /// <summary>As <see cref="TryGet(BlobId, out PackRecord, out PackEntry)"/>, with the entry's position in the pack's header.</summary>
    public bool TryGet(BlobId blob, out PackRecord pack, out PackEntry entry, out int entryIndex)
    {
        if (Find(blob, out IndexSlot slot))
        {
            pack = _packs[slot.Pack];
            entry = _layouts[slot.Pack].EntryAt(blob, slot.Entry, _fields);
            entryIndex = slot.Entry;
            return true;
        }
        pack = null!;
        entry = default;
        entryIndex = -1;
        return false;
    }

    /// <summary>
    /// Where a blob lives, by position: the pack's position (see <see cref="PackAt"/>) and the entry's position in its
    /// header. A restore plans with positions so that it can let the index go before reading packs.
    /// </summary>
    public bool TryLocate(BlobId blob, out int pack, out int entry)
    {
        bool found = Find(blob, out IndexSlot slot);
        (pack, entry) = found ? (slot.Pack, slot.Entry) : (-1, -1);
        return found;
    }

    /// <summary>The pack at a position <see cref="TryLocate"/> returned.</summary>
    public PackRecord PackAt(int position) => _packs[position];

    /// <summary>The whole entry at a position <see cref="TryLocate"/> returned for <paramref name="blob"/>.</summary>
    public PackEntry EntryAt(BlobId blob, int pack, int entry) => _layouts[pack].EntryAt(blob, entry, _fields);

    /// <summary>Adds a pack (listed by <paramref name="indexName"/>, or null while not yet in a written index) and merges it in at once.</summary>
    public void Add(PackRecord pack, string? indexName)
    {
        AddLoaded(pack.Id, pack.Length, pack.Entries, pack.EntriesDigest, indexName);
        Compact();
    }

    /// <summary>
    /// Adds a pack read from an index object: its blobs are found only after <see cref="Compact"/>. A pack already held
    /// only records that <paramref name="indexName"/> lists it too.
    /// </summary>
    public void AddLoaded(BlobId id, long length, ReadOnlySpan<PackEntry> entries, byte[] entriesDigest, string? indexName)
    {
        if (indexName is not null)
        {
            if (!_indexObjects.TryGetValue(indexName, out List<BlobId>? list)) _indexObjects[indexName] = list = [];
            list.Add(id);
        }
        if (_packPositions.ContainsKey(id)) return;
        int position = _packs.Count;
        _packs.Add(new PackRecord(id, length, entries.Length, entriesDigest));
        _packPositions[id] = position;
        _layouts.Add(PackLayout.Of(_fields.Count, entries));
        for (int i = 0; i < entries.Length; i++)
        {
            _fields.Add(EntryFields.Pack(entries[i]));
            AddPending(new IndexSlot(entries[i].Id, position, i));
        }
    }

    public void AddIndexObject(string name) => _indexObjects.TryAdd(name, []);

    /// <summary>Merges the blobs added since the last merge into their buckets (after loading every index object).</summary>
    public void Compact()
    {
        if (_pendingTotal == 0) return;
        for (int b = 0; b < Buckets; b++)
        {
            if (_pending[b] is not { } chunks) continue;
            // This bucket's new slots in one array of their exact size, sorted; merged with the bucket's old ones only when
            // it had any (a pack added after loading), so loading places every slot once.
            var added = new IndexSlot[_pendingCount[b]];
            int at = 0;
            for (int c = 0; c < chunks.Count; c++)
            {
                int n = c == chunks.Count - 1 ? _lastFill[b] : chunks[c].Length;
                chunks[c].AsSpan(0, n).CopyTo(added.AsSpan(at));
                at += n;
            }
            _pending[b] = null;
            _pendingCount[b] = 0;
            _lastFill[b] = 0;
            added.AsSpan().Sort(default(SlotOrder));
            IndexSlot[] old = _sorted[b];
            IndexSlot[] merged = added;
            if (old.Length > 0)
            {
                merged = new IndexSlot[old.Length + added.Length];
                int i = 0, j = 0, k = 0;
                while (i < old.Length && j < added.Length) merged[k++] = SlotOrder.Compare(old[i], added[j]) <= 0 ? old[i++] : added[j++];
                while (i < old.Length) merged[k++] = old[i++];
                while (j < added.Length) merged[k++] = added[j++];
            }
            int distinct = 0;
            for (int s = 0; s < merged.Length; s++)
                if (s == 0 || merged[s].Id != merged[s - 1].Id) distinct++;
            _sorted[b] = merged;
            _distinct[b] = distinct;
        }
        _pendingTotal = 0;
    }

    private void AddPending(IndexSlot slot)
    {
        int b = Bucket(slot.Id);
        List<IndexSlot[]> chunks = _pending[b] ??= [];
        int count = _pendingCount[b];
        int fill = _lastFill[b];
        if (chunks.Count == 0 || fill == chunks[^1].Length)
        {
            // Chunks grow with the bucket (64 slots, then as many as the bucket holds, at most 2,000), so little is left unused.
            chunks.Add(new IndexSlot[Math.Clamp(count, FirstChunk, LargestChunk)]);
            fill = 0;
        }
        chunks[^1][fill] = slot;
        _lastFill[b] = fill + 1;
        _pendingCount[b] = count + 1;
        _pendingTotal++;
    }

    private void RequireCompacted()
    {
        if (_pendingTotal != 0) throw new InvalidOperationException("The index has blobs added but not merged: call Compact first.");
    }

    private bool Find(BlobId blob, out IndexSlot slot)
    {
        IndexSlot[] bucket = _sorted[Bucket(blob)];
        // The first slot whose id is not below the blob's: the blob's first location when it is there.
        int lo = 0, hi = bucket.Length;
        while (lo < hi)
        {
            int mid = lo + ((hi - lo) >> 1);
            if (SlotOrder.Compare(bucket[mid].Id, blob) < 0) lo = mid + 1;
            else hi = mid;
        }
        if (lo < bucket.Length && bucket[lo].Id == blob)
        {
            slot = bucket[lo];
            return true;
        }
        slot = default;
        return false;
    }

    private static int Bucket(BlobId id) => (int)(MemoryMarshal.Cast<BlobId, ulong>(new ReadOnlySpan<BlobId>(in id))[0] >> (64 - BucketBits));

    /// <summary>A total order on slots: the ids' four 64-bit words in turn (any fixed order will do; ids are uniform), then pack, then entry.</summary>
    private readonly struct SlotOrder : IComparer<IndexSlot>
    {
        public int Compare(IndexSlot x, IndexSlot y) => Compare(in x, in y);

        public static int Compare(in IndexSlot x, in IndexSlot y)
        {
            int c = Compare(x.Id, y.Id);
            if (c != 0) return c;
            c = x.Pack.CompareTo(y.Pack);
            return c != 0 ? c : x.Entry.CompareTo(y.Entry);
        }

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
}
