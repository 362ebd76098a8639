namespace Lockbox.Repository;

/// <summary>Progress of a backup. Phases: "database" (copying the live database), "backup" (reading, hashing, encrypting, uploading), "finish".</summary>
public sealed record BackupProgress(string Phase, long BytesDone, long BytesTotal);
