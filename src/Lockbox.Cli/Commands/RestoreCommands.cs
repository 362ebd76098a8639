using System.CommandLine;
using System.Diagnostics;
using Lockbox.Cli.Output;
using Lockbox.Repository;

namespace Lockbox.Cli.Commands;

/// <summary><c>lockbox restore</c>: bring a snapshot back into a folder (the database and its media folder, under the name it was backed up with).</summary>
internal static class RestoreCommands
{
    public static IEnumerable<Command> Create(CliContext context)
    {
        Option<string> repo = CommonOptions.Repository();
        var to = new Option<string>("--to") { Description = "Folder to restore into: OUT/<database file> and OUT/<media folder, e.g. Media>/...", Required = true };
        var snapshot = new Option<string>("--snapshot") { Description = "Snapshot id, id prefix, or 'latest'", DefaultValueFactory = _ => "latest" };
        var overwrite = new Option<bool>("--overwrite") { Description = "Replace files that already exist in the target folder" };
        var dbOnly = new Option<bool>("--db-only") { Description = "Restore the chat database only, no media" };
        Option<bool> json = CommonOptions.Json();
        var vault = new VaultOptions();
        var restore = new Command("restore", "Restore a snapshot into a folder; on a new device the key comes from LOCKBOX_KEY or a prompt, or from the key vault with the password") { repo, to, snapshot, overwrite, dbOnly, json };
        vault.AddTo(restore);
        restore.SetAction(async (parse, ct) =>
        {
            string target = Path.GetFullPath(parse.GetRequiredValue(to));
            var clock = Stopwatch.StartNew();
            using PasswordMode.KeyScope keys = await PasswordMode.ClientForRestoreAsync(context, parse, vault, parse.GetRequiredValue(repo), ct).ConfigureAwait(false);
            RestoreResult result = await ProgressDisplay.RunAsync(context, "restore", sink =>
                keys.Client.RestoreAsync(parse.GetRequiredValue(repo),
                    new Client.RestoreOptions { TargetDirectory = target, Snapshot = parse.GetRequiredValue(snapshot), DatabaseOnly = parse.GetValue(dbOnly), Overwrite = parse.GetValue(overwrite) },
                    new ProgressAdapter<RestoreProgress>(sink, p => (p.Phase, p.BytesDone, p.BytesTotal)), ct)).ConfigureAwait(false);

            if (parse.GetValue(json))
            {
                JsonOutput.Write(context.Out, w =>
                {
                    w.WriteStartObject();
                    w.WriteString("snapshot", result.SnapshotId);
                    w.WriteString("target", target);
                    w.WriteString("database", result.DatabasePath);
                    w.WriteNumber("mediaFiles", result.MediaFiles);
                    w.WriteNumber("bytesWritten", result.BytesWritten);
                    w.WriteNumber("secondsToMessages", Math.Round(result.TimeToDatabase.TotalSeconds, 3));
                    w.WriteNumber("seconds", Math.Round(result.Elapsed.TotalSeconds, 3));
                    w.WriteEndObject();
                });
            }
            else
            {
                await context.Out.WriteLineAsync(
                    $"Restored snapshot {BackupCommands.Short(result.SnapshotId)} into {target} in {Units.Duration(clock.Elapsed)}: " +
                    $"{result.DatabasePath} and {result.MediaFiles} media files ({Units.Bytes(result.BytesWritten)}); " +
                    $"the messages were in place after {Units.Duration(result.TimeToDatabase)}.").ConfigureAwait(false);
            }
            return ExitCodes.Success;
        });
        yield return restore;
    }
}
