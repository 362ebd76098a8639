namespace Lockbox.Repository;

/// <summary>One file a snapshot holds, as <c>lockbox ls</c> lists it (issue 13).</summary>
/// <param name="Path">Where a restore writes it, relative to the target folder, '/'-separated: the database's file name, or media folder/relative path.</param>
/// <param name="IsDatabase">True for the chat database, false for a media file.</param>
/// <param name="Size">Bytes.</param>
/// <param name="Modified">The media file's recorded modification time; for the database, when the snapshot was taken.</param>
public sealed record SnapshotFile(string Path, bool IsDatabase, long Size, DateTimeOffset Modified);
