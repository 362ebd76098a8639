namespace Lockbox.Repository.Format.Snapshot;

/// <summary>One media file in a snapshot: relative path ('/'-separated), size, modification time, whole-file keyed hash, piece ids.</summary>
internal sealed record MediaEntry(string Path, long Size, long ModifiedTicks, BlobId FileId, BlobId[] Pieces);
