namespace Lockbox.Repository.Format.Index;

/// <summary>
/// Where a blob lives: the pack's position in <see cref="MasterIndex"/> and the blob's position in that pack's entries.
/// Eight bytes, one per blob in memory: the entry fields themselves are already held once, in the pack's record.
/// </summary>
internal readonly record struct BlobLocation(int Pack, int Entry);
