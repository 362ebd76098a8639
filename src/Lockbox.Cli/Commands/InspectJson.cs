using System.Text.Json.Serialization;

namespace Lockbox.Cli.Commands;

/// <summary>
/// The JSON lines of <c>ls</c>, <c>diff</c> and <c>stats</c> (issue 13), one object per line with a <c>type</c> field,
/// serialized by the source-generated <see cref="InspectJsonContext"/>. Snapshot fields are named as in <c>snapshots --json</c>.
/// </summary>
internal sealed record SnapshotLine(string Type, string Id, long Sequence, DateTimeOffset Time, string Device, string Source, IReadOnlyList<string> Tags,
    string Database, long DatabaseBytes, int MediaFiles, long MediaBytes);

internal sealed record FileLine(string Type, string Path, string Kind, long Size, DateTimeOffset Modified);

internal sealed record DiffChangeLine(string Type, string Change, string Path, long Size);

internal sealed record DiffSummaryLine(string Type, string From, string To, int Added, int Removed, int Changed,
    long DatabasePagesChanged, long DatabasePagesRemoved, long NewDataBytes);

internal sealed record StatsLine(string Type, int Snapshots, long LogicalBytes, long UniqueBytes, long StoredBytes, double DedupRatio,
    string? LatestDay, int LatestDaySnapshots, long LatestDayBytesAdded);

[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase)]
[JsonSerializable(typeof(SnapshotLine))]
[JsonSerializable(typeof(FileLine))]
[JsonSerializable(typeof(DiffChangeLine))]
[JsonSerializable(typeof(DiffSummaryLine))]
[JsonSerializable(typeof(StatsLine))]
internal sealed partial class InspectJsonContext : JsonSerializerContext;
