using System.CommandLine;
using System.Globalization;
using Lockbox.Cli.Output;
using Lockbox.Cli.Output.Json;
using Lockbox.Repository;
using Spectre.Console;

namespace Lockbox.Cli.Commands;

/// <summary><c>lockbox snapshots</c>: list what the repository holds.</summary>
internal static class SnapshotCommands
{
    public static IEnumerable<Command> Create(CliContext context)
    {
        Option<string> repo = CommonOptions.Repository();
        var snapshots = new Command("snapshots", "List the repository's snapshots, oldest first") { repo };
        var selection = new SnapshotSelection();
        selection.AddTo(snapshots);
        snapshots.SetAction(async (parse, ct) =>
        {
            IReadOnlyList<SnapshotSummary> list = await context.CreateClient().ListSnapshotsAsync(parse.GetRequiredValue(repo), selection.Filter(parse), ct).ConfigureAwait(false);
            IEnumerable<SnapshotSummary> ordered = list.OrderBy(s => s.Sequence);
            if (context.Json)
            {
                foreach (SnapshotSummary s in ordered)
                    context.WriteJson(SnapshotMessage.Of(s), JsonLines.Types.SnapshotMessage);
                context.WriteJson(new SnapshotsSummary(list.Count), JsonLines.Types.SnapshotsSummary);
                return ExitCodes.Success;
            }
            if (list.Count == 0)
            {
                await context.Out.WriteLineAsync("No snapshots yet.").ConfigureAwait(false);
                return ExitCodes.Success;
            }

            var table = new Table().Border(TableBorder.Simple)
                .AddColumns("ID", "#", "Time (UTC)", "Device", "Source", "Tags", "Database", "Media", "Added");
            foreach (SnapshotSummary s in ordered)
            {
                table.AddRow(
                    Markup.Escape(BackupCommands.Short(s.Id)),
                    s.Sequence.ToString(CultureInfo.InvariantCulture),
                    s.Time.UtcDateTime.ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture),
                    Markup.Escape(s.Device),
                    Markup.Escape(s.SourcePath),
                    Markup.Escape(string.Join(',', s.Tags)),
                    Markup.Escape($"{s.DatabaseName} {Units.Bytes(s.DatabaseBytes)}"),
                    Markup.Escape($"{s.MediaFiles} files {Units.Bytes(s.MediaBytes)}"),
                    Markup.Escape(Units.Bytes(s.BytesAdded)));
            }
            IAnsiConsole console = AnsiConsole.Create(new AnsiConsoleSettings
            {
                Out = new AnsiConsoleOutput(context.Out),
                Ansi = context.Interactive ? AnsiSupport.Detect : AnsiSupport.No,
                ColorSystem = context.Interactive ? ColorSystemSupport.Detect : ColorSystemSupport.NoColors,
            });
            if (!context.Interactive) console.Profile.Width = 160;
            console.Write(table);
            return ExitCodes.Success;
        });
        yield return snapshots;
    }
}
