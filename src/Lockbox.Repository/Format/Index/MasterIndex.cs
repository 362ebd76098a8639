namespace Lockbox.Repository.Format.Index;

/// <summary>
/// The in-memory union of every index object: blob id → location, pack id → record, and which index
/// object lists which packs (prune rewrites those). A blob in several packs keeps its first location.
/// </summary>
internal sealed class MasterIndex
{
    private readonly List<PackRecord> _packs = [];
    private readonly Dictionary<BlobId, int> _packPositions = [];
    private readonly Dictionary<BlobId, BlobLocation> _blobs = [];
    private readonly Dictionary<string, List<BlobId>> _indexObjects = new(StringComparer.Ordinal);

    public int PackCount => _packPositions.Count;
    public int BlobCount => _blobs.Count;
    public IReadOnlyDictionary<string, List<BlobId>> IndexObjects => _indexObjects;
    public IEnumerable<PackRecord> Packs => _packPositions.Values.Select(i => _packs[i]);

    public bool ContainsPack(BlobId pack) => _packPositions.ContainsKey(pack);
    public bool ContainsBlob(BlobId blob) => _blobs.ContainsKey(blob);

    public bool TryGet(BlobId blob, out PackRecord pack, out Pack.PackEntry entry) => TryGet(blob, out pack, out entry, out _);

    /// <summary>As <see cref="TryGet(BlobId, out PackRecord, out Pack.PackEntry)"/>, with the entry's position in <see cref="PackRecord.Entries"/>.</summary>
    public bool TryGet(BlobId blob, out PackRecord pack, out Pack.PackEntry entry, out int entryIndex)
    {
        if (_blobs.TryGetValue(blob, out BlobLocation loc))
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
            _blobs.TryAdd(pack.Entries[i].Id, new BlobLocation(position, i));
    }

    public void AddIndexObject(string name) => _indexObjects.TryAdd(name, []);
}
