namespace Lockbox.Repository;

/// <summary>One snapshot as listed: what was backed up and what it cost.</summary>
/// <param name="Id">64 lowercase hex digits: SHA-256 of the stored snapshot object.</param>
/// <param name="Sequence">1 for the first snapshot, then +1 per backup; the chain check relies on it.</param>
/// <param name="Time">When the backup finished (device clock).</param>
/// <param name="Device">The device name given in <see cref="BackupSource.DeviceName"/>.</param>
/// <param name="DatabaseName">File name of the database (restored under this name).</param>
/// <param name="DatabaseBytes">Size of the consistent database copy.</param>
/// <param name="MediaFiles">Number of media files.</param>
/// <param name="MediaBytes">Total size of the media files.</param>
/// <param name="BytesAdded">
/// Bytes of packs and index objects this backup wrote to the store, as recorded in the snapshot: the same number when
/// the backup reports it and whenever the snapshot is listed (its own snapshot object, some hundred bytes, cannot
/// count itself and is left out).
/// </param>
/// <param name="BytesStored">Bytes of packs and index in the repository after this backup.</param>
/// <param name="DeltaBlocks">Database blocks stored as a delta against an earlier version (format 2; 0 in format 1).</param>
public sealed record SnapshotSummary(
    string Id,
    long Sequence,
    DateTimeOffset Time,
    string Device,
    string DatabaseName,
    long DatabaseBytes,
    int MediaFiles,
    long MediaBytes,
    long BytesAdded,
    long BytesStored,
    long DeltaBlocks = 0)
{
    /// <summary>
    /// Where the snapshot's data came from (issue 13): the database's full path, or what an import read (e.g.
    /// <c>whatsapp:/sdcard/msgstore.db.crypt15</c>); null for snapshots written before sources were recorded.
    /// </summary>
    public string? Source { get; init; }

    /// <summary>The snapshot's tags (<c>backup --tag</c>), in the order given.</summary>
    public IReadOnlyList<string> Tags { get; init; } = [];

    /// <summary>
    /// The path this snapshot is grouped and selected by: <see cref="Source"/>, or the database's file name for a
    /// snapshot that records no source. With <see cref="Device"/> it names the snapshot's source group.
    /// </summary>
    public string SourcePath => Source ?? DatabaseName;
}
