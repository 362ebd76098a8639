namespace Lockbox.Repository;

/// <summary>What a restore wrote.</summary>
/// <param name="SnapshotId">The snapshot restored.</param>
/// <param name="DatabasePath">Full path of the restored database.</param>
/// <param name="MediaFiles">Number of media files written under target/media.</param>
/// <param name="BytesWritten">Database plus media bytes written.</param>
public sealed record RestoreResult(string SnapshotId, string DatabasePath, int MediaFiles, long BytesWritten);
