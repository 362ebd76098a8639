using Lockbox.Repository.Format;
using Lockbox.Repository.Format.Snapshot;

namespace Lockbox.Repository.Engine;

/// <summary>
/// The previous snapshot of the same database, as a next-day backup needs it (format 2): for each block, the whole blob it
/// rebuilds from (its base when it was a delta, else its own id). Read one list piece at a time, in step with the new
/// database's blocks, instead of the whole list up front (32 bytes per block of the database: issue 12, flat memory).
/// Every piece is authenticated (<see cref="RepositoryState.ReadBlockListPieceAsync"/>): a damaged one stops the backup
/// with a <see cref="RepositoryDamagedException"/>, it is never used as if it were the previous version.
/// </summary>
internal sealed class PreviousBlockList(RepositoryState state, BlobId snapshotId, SnapshotManifest manifest, DeltaEntry[] deltas)
{
    private int _nextDelta;
    private int _nextPiece;

    public int BlockSize => manifest.BlockSize;

    /// <summary>
    /// The bases of blocks <c>piece × 1024</c> onwards (as many as the previous list has there), or null when the previous
    /// database was shorter. Pieces are asked for in ascending order, each once.
    /// </summary>
    public async Task<BlobId[]?> PieceAsync(int piece, CancellationToken ct)
    {
        if (piece < _nextPiece) throw new InvalidOperationException("Pieces of the previous block list are read in ascending order.");
        _nextPiece = piece + 1;
        long first = (long)piece * FormatConstants.ListBlobIds;
        if (first >= manifest.BlockCount) return null;
        BlobId[] bases = await state.ReadBlockListPieceAsync(manifest, snapshotId, piece, ct).ConfigureAwait(false);
        long end = first + bases.Length;
        while (_nextDelta < deltas.Length && deltas[_nextDelta].Block < first) _nextDelta++;
        for (; _nextDelta < deltas.Length && deltas[_nextDelta].Block < end; _nextDelta++)
            bases[deltas[_nextDelta].Block - first] = deltas[_nextDelta].Base;
        return bases;
    }
}
