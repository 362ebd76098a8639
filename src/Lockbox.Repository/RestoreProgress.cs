namespace Lockbox.Repository;

/// <summary>
/// Progress of a restore. Phases: "restore" (downloading and decrypting), "messages" (the database is in place;
/// media follow), "finish" (renaming the media into place).
/// </summary>
public sealed record RestoreProgress(string Phase, long BytesDone, long BytesTotal);
