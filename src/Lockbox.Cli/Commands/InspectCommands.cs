using System.CommandLine;
using System.Globalization;
using Lockbox.Cli.Output;
using Lockbox.Cli.Output.Json;
using Lockbox.Repository;

namespace Lockbox.Cli.Commands;

/// <summary><c>lockbox ls</c>, <c>lockbox diff</c> and <c>lockbox stats</c>: look into snapshots without restoring them (issue 13).</summary>
internal static class InspectCommands
{
    public static IEnumerable<Command> Create(CliContext context)
    {
        yield return Ls(context);
        yield return Diff(context);
        yield return Stats(context);
    }

    private static Command Ls(CliContext context)
    {
        Option<string> repo = CommonOptions.Repository();
        var snapshot = new Argument<string>("snapshot") { Description = "Snapshot id, id prefix, #number, or 'latest' (of the selection)", DefaultValueFactory = _ => "latest" };
        var ls = new Command("ls", "List a snapshot's files: the database and the media, with size and time") { repo, snapshot };
        var selection = new SnapshotSelection();
        selection.AddTo(ls);
        ls.SetAction(async (parse, ct) =>
        {
            var (summary, files) = await context.CreateClient().ListFilesAsync(parse.GetRequiredValue(repo), parse.GetRequiredValue(snapshot), selection.Filter(parse), ct).ConfigureAwait(false);
            if (context.Json)
            {
                context.WriteJson(SnapshotMessage.Of(summary), JsonLines.Types.SnapshotMessage);
                foreach (SnapshotFile f in files)
                    context.WriteJson(new FileMessage(f.Path, f.IsDatabase ? "database" : "media", f.Size, f.Modified), JsonLines.Types.FileMessage);
                context.WriteJson(new LsSummary(summary.Id, files.Count, files.Sum(f => f.Size)), JsonLines.Types.LsSummary);
                return ExitCodes.Success;
            }
            await context.Out.WriteLineAsync($"snapshot {BackupCommands.Short(summary.Id)} #{summary.Sequence} of {summary.Device} {summary.SourcePath} at {Time(summary.Time)}:").ConfigureAwait(false);
            foreach (SnapshotFile f in files)
                await context.Out.WriteLineAsync($"{Units.Bytes(f.Size),10}  {Time(f.Modified)}  {f.Path}").ConfigureAwait(false);
            return ExitCodes.Success;
        });
        return ls;
    }

    private static Command Diff(CliContext context)
    {
        Option<string> repo = CommonOptions.Repository();
        var from = new Argument<string>("from") { Description = "The older snapshot: id, id prefix, #number or 'latest'" };
        var to = new Argument<string>("to") { Description = "The newer snapshot" };
        var diff = new Command("diff", "Show what changed between two snapshots: media added, removed and changed, database pages changed, new data") { repo, from, to };
        diff.SetAction(async (parse, ct) =>
        {
            SnapshotDiff d = await context.CreateClient().DiffAsync(parse.GetRequiredValue(repo), parse.GetRequiredValue(from), parse.GetRequiredValue(to), ct).ConfigureAwait(false);
            var changes = d.Added.Select(f => ("added", f)).Concat(d.Removed.Select(f => ("removed", f))).Concat(d.Changed.Select(f => ("changed", f)))
                .OrderBy(c => c.f.Path, StringComparer.Ordinal).ToList();
            if (context.Json)
            {
                foreach (var (kind, f) in changes)
                    context.WriteJson(new ChangeMessage(kind, f.Path, f.Size), JsonLines.Types.ChangeMessage);
                context.WriteJson(new DiffSummary(d.From.Id, d.To.Id, d.Added.Count, d.Removed.Count, d.Changed.Count,
                    d.DatabasePagesChanged, d.DatabasePagesRemoved, d.NewDataBytes), JsonLines.Types.DiffSummary);
                return ExitCodes.Success;
            }
            await context.Out.WriteLineAsync($"comparing snapshot {BackupCommands.Short(d.From.Id)} (#{d.From.Sequence}) with {BackupCommands.Short(d.To.Id)} (#{d.To.Sequence}):").ConfigureAwait(false);
            foreach (var (kind, f) in changes)
                await context.Out.WriteLineAsync($"{(kind == "added" ? '+' : kind == "removed" ? '-' : 'M')}    {f.Path}").ConfigureAwait(false);
            await context.Out.WriteLineAsync(
                $"media: {d.Added.Count} added, {d.Removed.Count} removed, {d.Changed.Count} changed; database ({d.To.DatabaseName}): {d.DatabasePagesChanged} pages changed or added" +
                $"{(d.DatabasePagesRemoved > 0 ? $", {d.DatabasePagesRemoved} removed" : "")}; new data: {Units.Bytes(d.NewDataBytes)}").ConfigureAwait(false);
            return ExitCodes.Success;
        });
        return diff;
    }

    private static Command Stats(CliContext context)
    {
        Option<string> repo = CommonOptions.Repository();
        var stats = new Command("stats", "Show the repository's size: snapshots, logical and stored bytes, deduplication ratio, what the newest day added") { repo };
        stats.SetAction(async (parse, ct) =>
        {
            RepositoryStats s = await context.CreateClient().StatsAsync(parse.GetRequiredValue(repo), ct).ConfigureAwait(false);
            string? day = s.LatestDay?.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
            if (context.Json)
            {
                context.WriteJson(new StatsSummary(s.Snapshots, s.LogicalBytes, s.UniqueBytes, s.StoredBytes, Math.Round(s.DedupRatio, 3),
                    day, s.LatestDaySnapshots, s.LatestDayBytesAdded), JsonLines.Types.StatsSummary);
                return ExitCodes.Success;
            }
            await context.Out.WriteLineAsync($"snapshots:          {s.Snapshots}").ConfigureAwait(false);
            await context.Out.WriteLineAsync($"total logical size: {Units.Bytes(s.LogicalBytes)} (what restoring every snapshot would write)").ConfigureAwait(false);
            await context.Out.WriteLineAsync($"unique content:     {Units.Bytes(s.UniqueBytes)}").ConfigureAwait(false);
            await context.Out.WriteLineAsync($"repository size:    {Units.Bytes(s.StoredBytes)} (packs, index and snapshots in the store)").ConfigureAwait(false);
            await context.Out.WriteLineAsync($"dedup ratio:        {s.DedupRatio.ToString("0.00", CultureInfo.InvariantCulture)}x").ConfigureAwait(false);
            if (day is not null)
                await context.Out.WriteLineAsync($"latest day ({day}): {s.LatestDaySnapshots} snapshots added {Units.Bytes(s.LatestDayBytesAdded)}").ConfigureAwait(false);
            return ExitCodes.Success;
        });
        return stats;
    }

    private static string Time(DateTimeOffset t) => t.UtcDateTime.ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture);
}
