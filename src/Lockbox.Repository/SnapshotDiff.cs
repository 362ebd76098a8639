namespace Lockbox.Repository;

/// <summary>What changed from snapshot <see cref="From"/> to snapshot <see cref="To"/> (<c>lockbox diff A B</c>, issue 13).</summary>
/// <param name="From">The older side.</param>
/// <param name="To">The newer side.</param>
/// <param name="Added">Media files only in <see cref="To"/>.</param>
/// <param name="Removed">Media files only in <see cref="From"/>.</param>
/// <param name="Changed">Media files in both whose content differs (the size and time given are <see cref="To"/>'s).</param>
/// <param name="DatabasePagesChanged">SQLite pages of <see cref="To"/>'s database that differ from (or are beyond the end of) <see cref="From"/>'s.</param>
/// <param name="DatabasePagesRemoved">Pages <see cref="From"/>'s database had beyond the end of <see cref="To"/>'s.</param>
/// <param name="NewDataBytes">Bytes of content (database blocks and media pieces, before compression) <see cref="To"/> needs and <see cref="From"/> does not.</param>
public sealed record SnapshotDiff(SnapshotSummary From, SnapshotSummary To, IReadOnlyList<SnapshotFile> Added, IReadOnlyList<SnapshotFile> Removed,
    IReadOnlyList<SnapshotFile> Changed, long DatabasePagesChanged, long DatabasePagesRemoved, long NewDataBytes);
