namespace Lockbox.Repository;

/// <summary>What a restore wrote.</summary>
/// <param name="SnapshotId">The snapshot restored.</param>
/// <param name="DatabasePath">Full path of the restored database.</param>
/// <param name="MediaFiles">Number of media files written under target/&lt;media folder&gt; (the backed-up folder's name, or "media" for snapshots from before issue 13).</param>
/// <param name="BytesWritten">Database plus media bytes written.</param>
/// <param name="TimeToDatabase">Time from the start of the restore until the database was in place (time to messages).</param>
/// <param name="Elapsed">Time the whole restore took (from loading the lists to the last media file).</param>
public sealed record RestoreResult(string SnapshotId, string DatabasePath, int MediaFiles, long BytesWritten,
    TimeSpan TimeToDatabase = default, TimeSpan Elapsed = default);
