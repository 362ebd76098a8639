namespace Lockbox.Repository;

/// <summary>What a restore wrote.</summary>
/// <param name="SnapshotId">The snapshot restored.</param>
/// <param name="DatabasePath">Full path of the restored database.</param>
/// <param name="MediaFiles">Number of media files written under target/&lt;media folder&gt; (the backed-up folder's name, or "media" for snapshots from before issue 13).</param>
/// <param name="BytesWritten">Database plus media bytes written.</param>
/// <param name="TimeToDatabase">Time from the start of the restore until the database was in place (time to messages).</param>
/// <param name="Elapsed">Time the whole restore took (from loading the lists to the last media file).</param>
public sealed record RestoreResult(string SnapshotId, string DatabasePath, int MediaFiles, long BytesWritten,
    TimeSpan TimeToDatabase = default, TimeSpan Elapsed = default)
{
    /// <summary>Files left out because their data is damaged or missing in the store (only with <see cref="RestoreRequest.ContinuePastDamage"/>).</summary>
    public IReadOnlyList<MissingFile> Missing { get; init; } = [];

    /// <summary>True when every selected file was restored.</summary>
    public bool IsComplete => Missing.Count == 0;

    /// <summary>The device and source path of the snapshot restored (issue 13).</summary>
    public string Device { get; init; } = "";

    /// <summary>The source path of the snapshot restored: the database's path, or the file an import read.</summary>
    public string Source { get; init; } = "";

    /// <summary>Set when "latest" had to choose among several sources: which one it took, and how to choose another.</summary>
    public string? Note { get; init; }
}
