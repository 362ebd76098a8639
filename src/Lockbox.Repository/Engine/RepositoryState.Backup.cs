using Lockbox.Repository.Format;
using Lockbox.Repository.Format.Snapshot;

namespace Lockbox.Repository.Engine;

/// <summary>The backup's read paths: a previous snapshot's block list one piece at a time (issue 12: flat memory).</summary>
internal sealed partial class RepositoryState
{
    /// <summary>
    /// Piece <paramref name="piece"/> of <paramref name="s"/>'s database block list (FORMAT.md section 8: pieces of
    /// <see cref="FormatConstants.ListBlobIds"/> ids, the last one shorter), rebuilt from its base when it is a delta and
    /// checked against its id; a piece of another length is damage.
    /// </summary>
    public async Task<BlobId[]> ReadBlockListPieceAsync(SnapshotManifest s, BlobId snapshotId, int piece, CancellationToken ct)
    {
        long first = (long)piece * FormatConstants.ListBlobIds;
        if (piece < 0 || first >= s.BlockCount) throw new ArgumentOutOfRangeException(nameof(piece));
        int count = (int)Math.Min(FormatConstants.ListBlobIds, s.BlockCount - first);
        if (piece >= s.DatabaseList.Length)
            throw Damaged(FormatConstants.SnapshotPrefix + snapshotId.ToHex(), "block list has fewer pieces than its block count needs");
        BlobId id = s.DatabaseList[piece];
        byte[] raw = await ReadBlockAsync(id, s.DatabaseListBases[piece], ct).ConfigureAwait(false);
        if (raw.Length != count * BlobId.Size)
            throw Damaged($"list blob {id.ToHex()[..16]}", $"holds {raw.Length} bytes where piece {piece} of the block list has {count * BlobId.Size}");
        var ids = new BlobId[count];
        for (int i = 0; i < count; i++) ids[i] = BlobId.Read(raw.AsSpan(i * BlobId.Size));
        return ids;
    }
}
