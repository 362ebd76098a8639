using Lockbox.Repository.Format;

namespace Lockbox.Repository.Engine;

/// <summary>
/// One piece of the block list a backup is writing (FORMAT.md section 8: <see cref="FormatConstants.ListBlobIds"/> ids):
/// the workers fill in the ids of its blocks as they hash them, and once all are in (<see cref="WhenHashedAsync"/>) the
/// backup stores the piece and lets it go, so the new block list is never whole in memory (issue 12).
/// </summary>
internal sealed class BlockListPiece
{
    private readonly TaskCompletionSource _hashed = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private int _remaining;

    public BlockListPiece(int index, long firstBlock, int count)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(count, 1);
        Index = index;
        FirstBlock = firstBlock;
        Ids = new BlobId[count];
        _remaining = count;
    }

    /// <summary>The piece's number in the list (k: blocks k × 1024 onwards).</summary>
    public int Index { get; }
    public long FirstBlock { get; }
    public BlobId[] Ids { get; }
    public bool IsHashed => _hashed.Task.IsCompleted;

    /// <summary>A worker has written the ids of <paramref name="blocks"/> more of this piece's blocks.</summary>
    public void Hashed(int blocks)
    {
        if (Interlocked.Add(ref _remaining, -blocks) == 0) _hashed.TrySetResult();
    }

    public Task WhenHashedAsync(CancellationToken ct) => _hashed.Task.WaitAsync(ct);
}
