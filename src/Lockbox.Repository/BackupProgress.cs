namespace Lockbox.Repository;

/// <summary>Progress of a backup. Phases: "database" (copying the live database), "backup" (reading, hashing, encrypting, uploading), "finish".</summary>
public sealed record BackupProgress(string Phase, long BytesDone, long BytesTotal)
{
    /// <summary>Files read whole so far (each media file, then the database); 0 while not counted.</summary>
    public int FilesDone { get; init; }

    /// <summary>Files this backup reads: the media files and the database; 0 while not yet known.</summary>
    public int FilesTotal { get; init; }
}
