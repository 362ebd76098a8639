namespace Lockbox.Repository;

/// <summary>
/// Progress of a restore. Phases: "restore" (downloading and decrypting), "messages" (the database is in place;
/// media follow), "finish" (renaming the media into place).
/// </summary>
public sealed record RestoreProgress(string Phase, long BytesDone, long BytesTotal)
{
    /// <summary>Files whose every byte is decrypted and written (not yet renamed into place until "finish").</summary>
    public int FilesDone { get; init; }

    /// <summary>Files this restore writes.</summary>
    public int FilesTotal { get; init; }
}
