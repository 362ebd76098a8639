namespace Lockbox.Repository;

/// <summary>Progress of a verify. Phases: "structure" (index, snapshots, chain), "data" (every pack read and every blob checked).</summary>
public sealed record VerifyProgress(string Phase, long BytesDone, long BytesTotal);
