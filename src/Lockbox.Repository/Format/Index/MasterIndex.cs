using System.Runtime.InteropServices;
using Lockbox.Repository.Format.Pack;

namespace Lockbox.Repository.Format.Index;

/// <summary>
/// The in-memory union of every index object: blob id → (pack, entry), pack records, and which index object lists which
/// packs (prune rewrites those). A blob in several packs is found at its first location (the pack added first).
/// </summary>
/// <remarks>
/// Memory (docs/PERFORMANCE.md, "The index at 40 bytes a blob"): per blob a 40-byte <see cref="IndexSlot"/> (id, pack
/// position, entry position) in one of 256 <see cref="SlotBucket"/>s by the id's top byte, each sorted in place and
/// searched by bisection, plus 8 bytes of entry fields (<see cref="EntryFields"/>) and an offset per 16 entries
/// (<see cref="PackLayout"/>); per pack a record with the SHA-256 of its entries, which a restore and verify check each
/// pack's own header against. Slots added by <see cref="AddLoaded"/> are found once <see cref="Compact"/> has sorted
/// them; <see cref="Add(PackRecord, string?)"/> sorts at once. Reads may run on several threads at once; adds may not run alongside anything.
/// </remarks>
internal sealed class MasterIndex
{
    private const int BucketBits = 8;
    private const int Buckets = 1 << BucketBits;

    private readonly List<PackRecord> _packs = [];
    private readonly List<PackLayout> _layouts = [];
    private readonly Dictionary<BlobId, int> _packPositions = [];
    private readonly EntryFieldStore _fields = new();
    private readonly SlotBucket[] _buckets = new SlotBucket[Buckets];
    private bool _unsorted;
    private readonly Dictionary<string, List<BlobId>> _indexObjects = new(StringComparer.Ordinal);

    public MasterIndex()
    {
        for (int b = 0; b < Buckets; b++) _buckets[b] = new SlotBucket();
    }

    public int PackCount => _packs.Count;

    /// <summary>Distinct blobs (after <see cref="Compact"/>).</summary>
    public int BlobCount
    {
        get
        {
            int n = 0;
            foreach (SlotBucket b in _buckets) n += b.Distinct;
            return n;
        }
    }

    public IReadOnlyDictionary<string, List<BlobId>> IndexObjects => _indexObjects;

    /// <summary>The packs as held, without their entries (id, length, entry count, entries digest), in the order added.</summary>
    public IReadOnlyList<PackRecord> PackList => _packs;

    /// <summary>Packs whose entries <see cref="Packs"/> rebuilds at once: the view holds at most this many packs' entries.</summary>
    public const int PacksPerView = FormatConstants.PacksPerIndex;

    /// <summary>
    /// Every pack with its entries, rebuilt from the compact form <see cref="PacksPerView"/> packs at a time (56 bytes a
    /// blob of those packs while held: for prune, index consolidation and tests, not for restore, verify or backup).
    /// Index consolidation runs at the end of a backup; rebuilding every pack at once there would hold the whole index
    /// twice over (about 30 MiB more at 4 GiB of chat). The index must not change while this is enumerated.
    /// </summary>
    public IEnumerable<PackRecord> Packs
    {
        get
        {
            RequireCompacted();
            return View();
        }
    }

    private IEnumerable<PackRecord> View()
    {
        for (int first = 0; first < _packs.Count; first += PacksPerView)
        {
            // One pass over every slot per window: a 4 GiB chat (347 packs, 583,000 blobs) takes 22 passes, a few tens of ms.
            int count = Math.Min(PacksPerView, _packs.Count - first);
            var entries = new PackEntry[count][];
            for (int p = 0; p < count; p++) entries[p] = new PackEntry[_packs[first + p].EntryCount];
            foreach (SlotBucket bucket in _buckets)
            {
                for (int i = 0; i < bucket.Count; i++)
                {
                    ref IndexSlot s = ref bucket[i];
                    if ((uint)(s.Pack - first) < (uint)count)
                        entries[s.Pack - first][s.Entry] = _layouts[s.Pack].EntryAt(s.Id, s.Entry, _fields);
                }
            }
            for (int p = 0; p < count; p++) yield return _packs[first + p] with { Entries = entries[p] };
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
    public void Add(PackRecord pack, string? indexName) => Add([pack], indexName);

    /// <summary>
    /// Adds packs as <see cref="Add(PackRecord, string?)"/> does and merges them in with one <see cref="Compact"/>: a pack's
    /// blobs fall into nearly every bucket, so merging packs one at a time would sort nearly the whole index once per pack.
    /// </summary>
    public void Add(IReadOnlyCollection<PackRecord> packs, string? indexName)
    {
        foreach (PackRecord pack in packs) AddLoaded(pack.Id, pack.Length, pack.Entries, pack.EntriesDigest, indexName);
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
            _buckets[Bucket(entries[i].Id)].Add(new IndexSlot(entries[i].Id, position, i));
            _unsorted = true;
        }
    }

    public void AddIndexObject(string name) => _indexObjects.TryAdd(name, []);

    /// <summary>Sorts the blobs added since the last call into their buckets (after loading every index object).</summary>
    public void Compact()
    {
        if (!_unsorted) return;
        foreach (SlotBucket b in _buckets) b.Sort();
        _unsorted = false;
    }

    private void RequireCompacted()
    {
        if (_unsorted) throw new InvalidOperationException("The index has blobs added but not merged: call Compact first.");
    }

    private bool Find(BlobId blob, out IndexSlot slot) => _buckets[Bucket(blob)].Find(blob, out slot);

    private static int Bucket(BlobId id) => (int)(MemoryMarshal.Cast<BlobId, ulong>(new ReadOnlySpan<BlobId>(in id))[0] >> (64 - BucketBits));
}
