using Lockbox.Repository;

namespace Lockbox.Cli.Output.Json;

/// <summary>
/// A snapshot, one line each in <c>snapshots</c>, <c>forget</c> (those forgotten) and first in <c>ls</c>; the same fields
/// as <see cref="BackupSummary"/> for the snapshot a backup made, so <c>bytesAdded</c> means the same in both.
/// </summary>
/// <param name="BytesAdded">Bytes the backup that made this snapshot wrote to the repository.</param>
/// <param name="RepositoryBytes">The repository's size (packs and index) after that backup.</param>
internal sealed record SnapshotMessage(string SnapshotId, long Sequence, DateTimeOffset Time, string Device, string Source, IReadOnlyList<string> Tags,
    string Database, long DatabaseBytes, int MediaFiles, long MediaBytes, long BytesAdded, long RepositoryBytes) : JsonMessage("snapshot")
{
    public static SnapshotMessage Of(SnapshotSummary s) => new(s.Id, s.Sequence, s.Time, s.Device, s.SourcePath, s.Tags, s.DatabaseName,
        s.DatabaseBytes, s.MediaFiles, s.MediaBytes, s.BytesAdded, s.BytesStored);
}

/// <summary><c>backup</c> and <c>whatsapp import</c>: the snapshot made, with <see cref="SnapshotMessage"/>'s fields, and the time taken.</summary>
internal sealed record BackupSummary(string SnapshotId, long Sequence, DateTimeOffset Time, string Device, string Source, IReadOnlyList<string> Tags,
    string Database, long DatabaseBytes, int MediaFiles, long MediaBytes, long BytesAdded, long RepositoryBytes, double Seconds) : JsonMessage("summary")
{
    public static BackupSummary Of(SnapshotSummary s, TimeSpan elapsed) => new(s.Id, s.Sequence, s.Time, s.Device, s.SourcePath, s.Tags, s.DatabaseName,
        s.DatabaseBytes, s.MediaFiles, s.MediaBytes, s.BytesAdded, s.BytesStored, Math.Round(elapsed.TotalSeconds, 3));
}

/// <summary>A file that could not be restored: its path, the database pages lost (if it is the database) and the damaged objects.</summary>
internal sealed record MissingFileJson(string Path, IReadOnlyList<long> Pages, IReadOnlyList<string> Objects);

/// <summary><c>restore</c>'s result.</summary>
/// <param name="Database">The restored database's path; null with --media-only.</param>
/// <param name="SecondsToMessages">When the database (the messages) was in place, before the media.</param>
internal sealed record RestoreSummary(string SnapshotId, string Device, string Source, string Target, string? Database, int MediaFiles,
    long BytesWritten, double SecondsToMessages, double Seconds, IReadOnlyList<MissingFileJson> Missing) : JsonMessage("summary");

/// <summary><c>forget</c>'s result, after one <see cref="SnapshotMessage"/> per snapshot forgotten (or, with --dry-run, to be).</summary>
internal sealed record ForgetSummary(bool DryRun, int SnapshotsRemoved, int SnapshotsKept, int PacksDeleted, int PacksRepacked, long BytesFreed) : JsonMessage("summary");

/// <summary><c>verify</c>'s result.</summary>
internal sealed record VerifySummary(bool Ok, int Snapshots, int Packs, long BlobsChecked, long BytesRead, IReadOnlyList<string> Problems) : JsonMessage("summary");

/// <summary><c>snapshots</c>' closing line, after one <see cref="SnapshotMessage"/> each.</summary>
internal sealed record SnapshotsSummary(int Snapshots) : JsonMessage("summary");

/// <summary><c>ls</c>: one file of a snapshot (after the snapshot's line).</summary>
/// <param name="Kind"><c>database</c> or <c>media</c>.</param>
internal sealed record FileMessage(string Path, string Kind, long Size, DateTimeOffset Modified) : JsonMessage("file");

/// <summary><c>ls</c>'s closing line.</summary>
internal sealed record LsSummary(string SnapshotId, int Files, long Bytes) : JsonMessage("summary");

/// <summary><c>diff</c>: one media file <c>added</c>, <c>removed</c> or <c>changed</c>.</summary>
internal sealed record ChangeMessage(string Change, string Path, long Size) : JsonMessage("change");

/// <summary><c>diff</c>'s result.</summary>
internal sealed record DiffSummary(string FromSnapshotId, string ToSnapshotId, int Added, int Removed, int Changed,
    long DatabasePagesChanged, long DatabasePagesRemoved, long NewDataBytes) : JsonMessage("summary");

/// <summary><c>stats</c>' result.</summary>
/// <param name="RepositoryBytes">What the repository takes in the store: packs, index and snapshots.</param>
internal sealed record StatsSummary(int Snapshots, long LogicalBytes, long UniqueBytes, long RepositoryBytes, double DedupRatio,
    string? LatestDay, int LatestDaySnapshots, long LatestDayBytesAdded) : JsonMessage("summary");
