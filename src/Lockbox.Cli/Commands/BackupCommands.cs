using System.CommandLine;
using System.Diagnostics;
using Lockbox.Cli.Output;
using Lockbox.Cli.Output.Json;
using Lockbox.Client;
using Lockbox.Client.Vault;
using Lockbox.Repository;

namespace Lockbox.Cli.Commands;

/// <summary><c>lockbox backup</c>: snapshot the chat database and media into the repository.</summary>
internal static class BackupCommands
{
    public static IEnumerable<Command> Create(CliContext context)
    {
        Option<string> repo = CommonOptions.Repository();
        var db = new Option<string>("--db") { Description = "The chat's SQLite database (may be in use by the app)", Required = true };
        var media = new Option<string?>("--media") { Description = "The folder of photos, videos and voice notes to back up" };
        var device = new Option<string?>("--device") { Description = "Name recorded in the snapshot (default: this machine's name)" };
        var tag = new Option<string[]>("--tag") { Description = "A tag recorded in the snapshot, to select it later (repeatable; 'a,b' gives both)" };
        var backup = new Command("backup", "Back up a chat database and its media as a new snapshot") { repo, db, media, device, tag };
        var vault = new VaultOptions();
        vault.AddTo(backup);
        backup.SetAction(async (parse, ct) =>
        {
            string database = parse.GetRequiredValue(db);
            string? mediaDirectory = parse.GetValue(media);
            CheckSource(database, mediaDirectory);
            string[] tags = Tags(parse.GetValue(tag));
            var source = new BackupSource(Path.GetFullPath(database), mediaDirectory is null ? null : Path.GetFullPath(mediaDirectory),
                parse.GetValue(device) ?? Environment.MachineName) { Tags = tags };

            var clock = Stopwatch.StartNew();
            string repository = parse.GetRequiredValue(repo);
            (VaultClientOptions? anchorVault, string? anchorWarning) = await AnchorVaultAsync(context, parse, vault, repository, ct).ConfigureAwait(false);
            BackupResult result = await BackUpAsync(context, "backup", repository, source, anchorVault, ct).ConfigureAwait(false);
            SnapshotSummary summary = result.Snapshot;
            if ((result.AnchorWarning ?? anchorWarning) is { } warning)
                context.Warn(warning);
            if (context.Verbose)
                await VerboseReport.BackupAsync(context, repository, summary, ct).ConfigureAwait(false);

            if (context.Json)
            {
                context.WriteJson(BackupSummary.Of(summary, clock.Elapsed), JsonLines.Types.BackupSummary);
            }
            else
            {
                await context.Out.WriteLineAsync(
                    $"Snapshot {Short(summary.Id)} (#{summary.Sequence}) saved in {Units.Duration(clock.Elapsed)}: " +
                    $"database {summary.DatabaseName} {Units.Bytes(summary.DatabaseBytes)}, {summary.MediaFiles} media files {Units.Bytes(summary.MediaBytes)}; " +
                    $"{Units.Bytes(summary.BytesAdded)} written to the repository (repository size {Units.Bytes(summary.BytesStored)}).").ConfigureAwait(false);
            }
            return ExitCodes.Success;
        });
        yield return backup;
    }

    internal static string Short(string id) => id.Length > 8 ? id[..8] : id;

    /// <summary>The tags of <c>--tag</c> (each may hold several, comma-separated), checked: a bad tag is a usage error before anything is read.</summary>
    private static string[] Tags(string[]? given)
    {
        var tags = new List<string>();
        foreach (string t in (given ?? []).SelectMany(g => g.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries)))
        {
            if (t.Length > 255 || t.Any(char.IsControl)) throw new CliException(ExitCodes.Usage, $"--tag {t}: a tag is at most 255 characters, without control characters.");
            if (!tags.Contains(t, StringComparer.Ordinal)) tags.Add(t);
        }
        if (tags.Count > 64) throw new CliException(ExitCodes.Usage, "A snapshot carries at most 64 tags.");
        return [.. tags];
    }

    private static void CheckSource(string database, string? media)
    {
        if (Directory.Exists(database))
            throw new CliException(ExitCodes.BadSource, $"--db {database} is a folder, not an SQLite database file.");
        if (!File.Exists(database))
            throw new CliException(ExitCodes.BadSource, $"The database {database} does not exist.");
        if (media is not null && !Directory.Exists(media))
            throw new CliException(ExitCodes.BadSource, $"The media folder {media} does not exist.");
    }

    /// <summary>
    /// The vault whose freshness anchor a backup of an escrowed repository advances: the repository's hints, with the
    /// token and fleet key from the command line or environment as for every password-mode command. A repository
    /// without escrow has none; an escrowed one whose vault settings are missing is backed up anyway, with a warning.
    /// </summary>
    private static async Task<(VaultClientOptions? Vault, string? Warning)> AnchorVaultAsync(CliContext context, System.CommandLine.ParseResult parse, VaultOptions vault, string repository, CancellationToken ct)
    {
        RepositoryHints? hints = await context.CreateClient().ReadVaultHintsAsync(repository, ct).ConfigureAwait(false);
        if (hints?.AccountId is null && !vault.Given(parse)) return (null, null);
        try
        {
            return (vault.Resolve(parse, context, hints), null);
        }
        catch (CliException e)
        {
            return (null, $"the vault's freshness anchor was not advanced ({e.Message}); a new device cannot tell if a store hides this backup.");
        }
    }

    /// <summary>Backs <paramref name="source"/> up into the repository at <paramref name="repository"/>, showing progress as <paramref name="label"/>.</summary>
    internal static Task<BackupResult> BackUpAsync(CliContext context, string label, string repository, BackupSource source, VaultClientOptions? vault, CancellationToken ct) =>
        ProgressDisplay.RunAsync(context, label, sink =>
        {
            if (!context.NoProgress && !context.Json && SourceScan.Describe(source) is { } description)
                sink = new PrefacedSink(sink, description);
            return context.CreateClient(vault).BackupAsync(repository, source,
                new ProgressAdapter<BackupProgress>(sink, p => (p.Phase, p.BytesDone, p.BytesTotal), p => (p.FilesDone, p.FilesTotal)), ct);
        });
}
