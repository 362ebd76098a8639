namespace Lockbox.Repository;

/// <summary>What one backup reads: the chat database (live, possibly in WAL mode) and an optional media folder.</summary>
/// <param name="DatabasePath">The SQLite database file; it is copied with SQLite's online backup API, so the app may keep writing.</param>
/// <param name="MediaDirectory">A folder whose files are backed up by relative path, or null for none.</param>
/// <param name="DeviceName">A free-form name for the device, kept (encrypted) in the snapshot.</param>
public sealed record BackupSource(string DatabasePath, string? MediaDirectory, string DeviceName = "")
{
    /// <summary>
    /// Where the consistent copy of the database is made (in a <c>lockbox-scratch</c> folder of mode 0700 inside it, the
    /// copy itself 0600, deleted after the backup or by the next backup after a crash). Apps pass their private state
    /// folder; null uses the system's temporary folder.
    /// </summary>
    public string? ScratchDirectory { get; init; }

    /// <summary>
    /// Where the data came from, recorded in the snapshot with <see cref="DeviceName"/> as its source (issue 13): null
    /// records the database's full path; an import names what it imported (e.g. <c>whatsapp:/sdcard/msgstore.db.crypt15</c>).
    /// Snapshots are selected, and forget policies applied, per source.
    /// </summary>
    public string? SourcePath { get; init; }

    /// <summary>
    /// A sealed copy of the database made beforehand (<see cref="Sources.SqliteSnapshot.Seal"/>: a decrypted import that
    /// never touched the disk in the clear), backed up instead of a copy of <see cref="DatabasePath"/>, which then only
    /// names the database. The caller keeps and disposes it.
    /// </summary>
    public Sources.SqliteSnapshot? Copy { get; init; }

    /// <summary>Tags recorded in the snapshot (each 1–255 bytes, no ',' or control characters), for selecting it later.</summary>
    public IReadOnlyList<string> Tags { get; init; } = [];
}
