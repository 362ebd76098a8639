using Lockbox.Repository.Format;

namespace Lockbox.Repository.Engine;

/// <summary>
/// What a backup knows about the previous version of each database block (format 2): <see cref="PreviousBase"/>[i] is
/// the whole blob block i of the previous snapshot of the same database rebuilds from (its base when it was a delta,
/// else its own id); the workers fill <see cref="Bases"/>[i] with the base of each block they store or reuse as a delta.
/// </summary>
internal sealed class DeltaPlan(BlobId[] previousBase, long blockCount)
{
    public BlobId[] PreviousBase { get; } = previousBase;
    public BlobId[] Bases { get; } = new BlobId[blockCount];
}
