using Lockbox.Repository.Format;
using Lockbox.Repository.Format.Index;
using Lockbox.Repository.Format.Pack;
using Lockbox.Repository.Format.Snapshot;

namespace Lockbox.Repository.Engine;

/// <summary>
/// Where a restore's blobs go, by pack, in 8 bytes per block (docs/PERFORMANCE.md, "Restore and verify memory at 4 GiB"):
/// each place names the blob by its position in the pack's header and the bytes it fills by a number (a database block,
/// or a media piece counted across the files), so the plan holds neither blob ids nor entry fields and the repository's
/// index can be let go before the first pack is read. What the plan trusts of each pack's header is pinned by the
/// SHA-256 of the index's entries for it (<see cref="PackPlan.EntriesDigest"/>), checked when the pack is opened.
/// </summary>
internal sealed class RestorePlan
{
    private readonly SnapshotManifest _snapshot;
    private readonly List<MediaEntry> _media;
    private readonly int _pieceSize;
    private readonly long[] _firstPiece;   // media file f's pieces are numbered from _firstPiece[f]
    private readonly PackPlan?[] _database, _mediaPacks;
    private readonly List<PackPlan> _databaseOrder = [], _mediaOrder = [];

    public RestorePlan(SnapshotManifest snapshot, List<MediaEntry> media, int pieceSize, int packCount)
    {
        _snapshot = snapshot;
        _media = media;
        _pieceSize = pieceSize;
        _firstPiece = new long[media.Count + 1];
        for (int f = 0; f < media.Count; f++) _firstPiece[f + 1] = _firstPiece[f] + media[f].Pieces.Length;
        _database = new PackPlan?[packCount];
        _mediaPacks = new PackPlan?[packCount];
    }

    /// <summary>The database's packs, then the media's, each in the order first needed.</summary>
    public IReadOnlyList<PackPlan> DatabasePacks => _databaseOrder;
    public IReadOnlyList<PackPlan> MediaPacks => _mediaOrder;

    /// <summary>The longest pack the plan reads (every pack buffer of the restore has this length).</summary>
    public long LongestPack { get; private set; }

    /// <summary>The number the first piece of media file <paramref name="file"/> has in a place.</summary>
    public int FirstPiece(int file) => checked((int)_firstPiece[file]);

    /// <summary>The target, offset and length a place's number stands for (target 0 is the database, f + 1 media file f).</summary>
    public (int Target, long Offset, int Length) Locate(bool media, int number)
    {
        if (!media)
        {
            long offset = (long)number * _snapshot.BlockSize;
            return (0, offset, (int)Math.Min(_snapshot.BlockSize, _snapshot.DatabaseBytes - offset));
        }
        int f = Array.BinarySearch(_firstPiece, (long)number);
        if (f < 0) f = ~f - 1;
        while (f + 1 < _firstPiece.Length && _firstPiece[f + 1] == number) f++;   // files without pieces share a number
        long pieceOffset = (number - _firstPiece[f]) * _pieceSize;
        return (f + 1, pieceOffset, (int)Math.Min(_pieceSize, _media[f].Size - pieceOffset));
    }

    /// <summary>Lets the database packs' places go (once the database phase is done; the media phase does not read them).</summary>
    public void ReleaseDatabasePlaces()
    {
        foreach (PackPlan p in _databaseOrder)
        {
            p.Places.Clear();
            p.Places.TrimExcess();
        }
    }

    /// <summary>Records that a blob of <paramref name="pack"/> (at <paramref name="position"/> in the index) goes to <paramref name="place"/>.</summary>
    public void Add(bool media, int position, PackRecord pack, RestorePlace place)
    {
        PackPlan?[] plans = media ? _mediaPacks : _database;
        if (plans[position] is not { } plan)
        {
            plans[position] = plan = new PackPlan(pack.Id, pack.Length, pack.EntriesDigest);
            (media ? _mediaOrder : _databaseOrder).Add(plan);
            LongestPack = Math.Max(LongestPack, pack.Length);
        }
        plan.Places.Add(place);
    }
}

/// <summary>One pack a restore reads: its id and length, the SHA-256 of the index's entries for it, and the places its blobs go.</summary>
internal sealed class PackPlan(BlobId id, long length, byte[] entriesDigest)
{
    public BlobId Id { get; } = id;
    public long Length { get; } = length;
    public byte[] EntriesDigest { get; } = entriesDigest;
    public string Name => FormatConstants.PackName(Id);
    public List<RestorePlace> Places { get; } = [];
}

/// <summary>
/// One place a blob goes, 8 bytes: <see cref="Number"/> is a database block or a media piece (see <see cref="RestorePlan.Locate"/>);
/// <see cref="Entry"/> is the blob's position in its pack's header, with <see cref="BaseFlag"/> when the blob is the base a
/// delta block is rebuilt from.
/// </summary>
internal readonly record struct RestorePlace(int Number, int Entry)
{
    public const int BaseFlag = 1 << 31;
    public int Position => Entry & ~BaseFlag;
    public bool IsBase => (Entry & BaseFlag) != 0;
}
