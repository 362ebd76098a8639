namespace Lockbox.Repository;

/// <summary>Progress of a restore. Phases: "restore" (downloading and decrypting), "finish" (renaming into place).</summary>
public sealed record RestoreProgress(string Phase, long BytesDone, long BytesTotal);
