namespace Lockbox.Repository.Format.Index;

/// <summary>
/// One blob in <see cref="MasterIndex"/>'s lookup, 40 bytes: its id, its pack's position in the index and its position in
/// that pack's header. Sorted by id, then by pack and entry, so the first of a blob held in several packs comes first.
/// </summary>
internal readonly record struct IndexSlot(BlobId Id, int Pack, int Entry);
