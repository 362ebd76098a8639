using System.CommandLine;
using System.Diagnostics;
using Lockbox.Cli.Output;
using Lockbox.Cli.Output.Json;
using Lockbox.Repository;

namespace Lockbox.Cli.Commands;

/// <summary><c>lockbox restore</c>: bring a snapshot back into a folder (the database and its media folder, under the name it was backed up with).</summary>
internal static class RestoreCommands
{
    public static IEnumerable<Command> Create(CliContext context)
    {
        Option<string> repo = CommonOptions.Repository();
        var to = new Option<string>("--to") { Description = "Folder to restore into: OUT/<database file> and OUT/<media folder, e.g. Media>/...", Required = true };
        var snapshot = new Option<string>("--snapshot") { Description = "Snapshot id, id prefix, #number (as 'lockbox snapshots' prints it), or 'latest' (of the selection)", DefaultValueFactory = _ => "latest" };
        var include = new Option<string[]>("--include") { Description = "Restore only media matching this glob, relative to the media folder ('*', '**', '?'; repeatable); the database is restored too unless --media-only" };
        var mediaOnly = new Option<bool>("--media-only") { Description = "Restore media only (those --include selects), not the database" };
        var overwrite = new Option<bool>("--overwrite") { Description = "Replace files that already exist in the target folder" };
        var dbOnly = new Option<bool>("--db-only") { Description = "Restore the chat database only, no media" };
        var vault = new VaultOptions();
        var restore = new Command("restore", "Restore a snapshot into a folder; on a new device the key comes from LOCKBOX_KEY or a prompt, or from the key vault with the password") { repo, to, snapshot, overwrite, dbOnly, include, mediaOnly };
        vault.AddTo(restore);
        var selection = new SnapshotSelection();
        selection.AddTo(restore);
        restore.SetAction(async (parse, ct) =>
        {
            string target = Path.GetFullPath(parse.GetRequiredValue(to));
            if (parse.GetValue(dbOnly) && parse.GetValue(mediaOnly))
                throw new CliException(ExitCodes.Usage, "--db-only and --media-only exclude each other.");
            var clock = Stopwatch.StartNew();
            using PasswordMode.KeyScope keys = await PasswordMode.ClientForRestoreAsync(context, parse, vault, parse.GetRequiredValue(repo), ct).ConfigureAwait(false);
            RestoreResult result = await ProgressDisplay.RunAsync(context, "restore", sink =>
                keys.Client.RestoreAsync(parse.GetRequiredValue(repo),
                    new Client.RestoreOptions
                    {
                        TargetDirectory = target,
                        Snapshot = parse.GetRequiredValue(snapshot),
                        DatabaseOnly = parse.GetValue(dbOnly),
                        MediaOnly = parse.GetValue(mediaOnly),
                        Include = parse.GetValue(include) ?? [],
                        Filter = selection.Filter(parse),
                        Overwrite = parse.GetValue(overwrite),
                        ContinuePastDamage = true,
                    },
                    new ProgressAdapter<RestoreProgress>(sink, p => (p.Phase, p.BytesDone, p.BytesTotal), p => (p.FilesDone, p.FilesTotal)), ct)).ConfigureAwait(false);

            if (context.Verbose)
                await VerboseReport.RestoreAsync(context, parse.GetRequiredValue(repo), result, target, ct).ConfigureAwait(false);
            if (context.Json)
            {
                context.WriteJson(new RestoreSummary(result.SnapshotId, result.Device, result.Source, target, result.DatabasePath, result.MediaFiles,
                    result.BytesWritten, Math.Round(result.TimeToDatabase.TotalSeconds, 3), Math.Round(result.Elapsed.TotalSeconds, 3),
                    [.. result.Missing.Select(m => new MissingFileJson(m.Path, m.Pages, m.Objects))]), JsonLines.Types.RestoreSummary);
            }
            else if (!result.IsComplete)
            {
                await context.Out.WriteLineAsync(
                    $"Restored snapshot {BackupCommands.Short(result.SnapshotId)} into {target} in part: {result.MediaFiles} media files ({Units.Bytes(result.BytesWritten)}); " +
                    $"{result.Missing.Count} files could not be restored and were not written:").ConfigureAwait(false);
                foreach (MissingFile m in result.Missing)
                    await context.Out.WriteLineAsync($"missing: {m.Path}{(m.Pages.Count > 0 ? $" (pages {Ranges(m.Pages)})" : "")}: damaged or missing {string.Join(", ", m.Objects)}").ConfigureAwait(false);
            }
            else
            {
                await context.Out.WriteLineAsync(
                    $"Restored snapshot {BackupCommands.Short(result.SnapshotId)} into {target} in {Units.Duration(clock.Elapsed)}: " +
                    $"{result.DatabasePath} and {result.MediaFiles} media files ({Units.Bytes(result.BytesWritten)}); " +
                    $"the messages were in place after {Units.Duration(result.TimeToDatabase)}.").ConfigureAwait(false);
            }
            if (result.Note is { } note)
            {
                if (context.Json) JsonLines.Write(context.Error, new NoteMessage("info", note), JsonLines.Types.NoteMessage);
                else await context.Error.WriteLineAsync($"lockbox: {note}").ConfigureAwait(false);
            }
            if (!result.IsComplete)
            {
                return context.Fail(ExitCodes.RestoreIncomplete, $"restore incomplete: {result.Missing.Count} files could not be restored because the repository is damaged (first: {result.Missing[0].Path}); everything else was restored. Run 'lockbox verify --read-data'.");
            }
            return ExitCodes.Success;
        });
        yield return restore;
    }

    /// <summary>Page numbers as ranges: 1-3,7.</summary>
    private static string Ranges(IReadOnlyList<long> pages)
    {
        var parts = new List<string>();
        for (int i = 0; i < pages.Count;)
        {
            int j = i;
            while (j + 1 < pages.Count && pages[j + 1] == pages[j] + 1) j++;
            parts.Add(j == i ? $"{pages[i]}" : $"{pages[i]}-{pages[j]}");
            i = j + 1;
        }
        return string.Join(',', parts);
    }
}
