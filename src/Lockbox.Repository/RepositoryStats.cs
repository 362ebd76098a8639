namespace Lockbox.Repository;

/// <summary>The repository's size and what deduplication saves (<c>lockbox stats</c>, issue 13).</summary>
/// <param name="Snapshots">Number of snapshots.</param>
/// <param name="LogicalBytes">Sum over every snapshot of its database and media bytes: what restoring each would write.</param>
/// <param name="UniqueBytes">Bytes of distinct content (blobs, before compression) the repository holds.</param>
/// <param name="StoredBytes">Bytes of packs, index and snapshot objects in the store.</param>
/// <param name="LatestDay">The UTC day of the newest snapshot (null when there is none).</param>
/// <param name="LatestDaySnapshots">Snapshots taken that day.</param>
/// <param name="LatestDayBytesAdded">Bytes those snapshots wrote to the store.</param>
public sealed record RepositoryStats(int Snapshots, long LogicalBytes, long UniqueBytes, long StoredBytes, DateOnly? LatestDay, int LatestDaySnapshots, long LatestDayBytesAdded)
{
    /// <summary>Logical bytes per stored byte (0 for an empty repository): how many times deduplication and compression shrink the backups.</summary>
    public double DedupRatio => StoredBytes == 0 ? 0 : (double)LogicalBytes / StoredBytes;
}
