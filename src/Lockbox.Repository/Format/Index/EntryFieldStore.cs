namespace Lockbox.Repository.Format.Index;

/// <summary>
/// Every indexed entry's <see cref="EntryFields"/>, 8 bytes each, by ordinal (packs in the order added, entries in header
/// order), in chunks of 64 KiB: it grows without copying and without arrays on the large-object heap.
/// </summary>
internal sealed class EntryFieldStore
{
    private const int ChunkBits = 13;
    private const int ChunkSize = 1 << ChunkBits;

    private readonly List<ulong[]> _chunks = [];

    public int Count { get; private set; }

    public ulong this[int ordinal] => _chunks[ordinal >> ChunkBits][ordinal & (ChunkSize - 1)];

    public void Add(ulong fields)
    {
        if ((Count & (ChunkSize - 1)) == 0) _chunks.Add(new ulong[ChunkSize]);
        _chunks[^1][Count & (ChunkSize - 1)] = fields;
        Count++;
    }
}
