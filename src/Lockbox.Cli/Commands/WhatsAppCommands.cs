using System.CommandLine;
using System.Diagnostics;
using Lockbox.Cli.Output;
using Lockbox.Cli.Output.Json;
using Lockbox.Repository;
using Lockbox.WhatsApp;

namespace Lockbox.Cli.Commands;

/// <summary>
/// <c>lockbox whatsapp decrypt | encrypt | import</c>: WhatsApp's end-to-end encrypted crypt15
/// backups (docs/WHATSAPP.md), opened with the 64-digit key or Android's encrypted_backup.key.
/// Outputs appear only complete: written to a temporary file and renamed when everything verified.
/// </summary>
internal static class WhatsAppCommands
{
    public static IEnumerable<Command> Create(CliContext context)
    {
        var whatsapp = new Command("whatsapp", "Read, write and import WhatsApp end-to-end encrypted backups (msgstore.db.crypt15)")
        {
            Decrypt(context),
            Encrypt(context),
            Import(context),
        };
        yield return whatsapp;
    }

    private static Command Decrypt(CliContext context)
    {
        var file = new Argument<string>("FILE") { Description = "The crypt15 backup, e.g. msgstore.db.crypt15" };
        (Option<string?> key, Option<string?> keyFile) = KeyOptions();
        var output = new Option<string>("--out", "-o") { Description = "Where to write the decrypted database", Required = true };
        var force = new Option<bool>("--force") { Description = "Replace the output file if it exists" };
        var command = new Command("decrypt", "Decrypt a WhatsApp crypt15 backup (or a crypt14 one, with its 'key' file) into its SQLite database") { file, key, keyFile, output, force };
        command.SetAction((parse, ct) =>
        {
            string input = ExistingInput(parse.GetRequiredValue(file));
            string target = parse.GetRequiredValue(output);
            bool overwrite = parse.GetValue(force);
            CheckTarget(target, overwrite);
            using WhatsAppKey whatsAppKey = ResolveKey(context, parse.GetValue(key), parse.GetValue(keyFile), ct);

            var clock = Stopwatch.StartNew();
            Crypt15Result result = Crypt15File.Decrypt(input, whatsAppKey, target, overwrite);
            ThrowIfFailed(result, input);
            string kind = result.Payload == Crypt15Payload.Zip ? "a zip archive (multi-file backup)" : "the database";
            string format = result.Header!.Format == WhatsAppFormat.Crypt14 ? "crypt14" : "crypt15";
            if (context.Json)
                context.WriteJson(new WhatsAppFileSummary("decrypt", input, target, format, result.Header.AppVersion, result.Payload == Crypt15Payload.Zip ? "zip" : "database",
                    result.PayloadLength, Math.Round(clock.Elapsed.TotalSeconds, 3)), JsonLines.Types.WhatsAppFileSummary);
            else
                context.Out.WriteLine(
                $"Decrypted {input} ({(result.Header!.Format == WhatsAppFormat.Crypt14 ? "crypt14" : "crypt15")}, WhatsApp {Version(result.Header)}) into {target}: {kind}, {Units.Bytes(result.PayloadLength)}, " +
                $"authenticated{(result.HasChecksum ? " and checksum verified" : "")}, in {Units.Duration(clock.Elapsed)}.");
            WarnIfKeyOnCommandLine(context, parse.GetValue(key));
            return Task.FromResult(ExitCodes.Success);
        });
        return command;
    }

    private static Command Encrypt(CliContext context)
    {
        var database = new Argument<string>("DB") { Description = "The SQLite database to encrypt, e.g. msgstore.db" };
        (Option<string?> key, Option<string?> keyFile) = KeyOptions();
        var output = new Option<string>("--out", "-o") { Description = "Where to write the crypt15 backup", Required = true };
        var force = new Option<bool>("--force") { Description = "Replace the output file if it exists" };
        var headerFrom = new Option<string?>("--header-from") { Description = "Copy app version, key type and feature flags from this crypt15 file (default: those of WhatsApp 2.22.5.13)" };
        var command = new Command("encrypt", "Encrypt an SQLite database (with the rows still in its -wal) into a WhatsApp crypt15 backup") { database, key, keyFile, output, force, headerFrom };
        command.SetAction((parse, ct) =>
        {
            string input = ExistingInput(parse.GetRequiredValue(database));
            string target = parse.GetRequiredValue(output);
            bool overwrite = parse.GetValue(force);
            CheckTarget(target, overwrite);
            Crypt15Header? template = parse.GetValue(headerFrom) is { } like ? ReadTemplate(like) : null;
            using WhatsAppKey whatsAppKey = ResolveKey(context, parse.GetValue(key), parse.GetValue(keyFile), ct);
            if (whatsAppKey.IsCrypt14)
                throw new CliException(ExitCodes.Usage, "That is a crypt14 'key' file: Lockbox writes only crypt15 backups, which take a 64-digit key or encrypted_backup.key.");

            var clock = Stopwatch.StartNew();
            // Rows still in msgstore.db-wal are part of the chat: read through SQLite's consistent copy, sealed (in LOCKBOX_HOME's 0700 lockbox-scratch).
            using var readable = SqliteCopy.Open(input, context.DeviceState().Directory);
            Crypt15Header header;
            using (Stream database = readable.OpenRead())
                header = Crypt15File.Encrypt(database, whatsAppKey, target, overwrite, template);
            if (context.Json)
                context.WriteJson(new WhatsAppFileSummary("encrypt", input, target, "crypt15", header.AppVersion, "database",
                    new FileInfo(target).Length, Math.Round(clock.Elapsed.TotalSeconds, 3)), JsonLines.Types.WhatsAppFileSummary);
            else
                context.Out.WriteLine(
                $"Encrypted {input} into {target} (crypt15, WhatsApp {Version(header)}, key type {(int)header.KeyType}): " +
                $"{Units.Bytes(new FileInfo(target).Length)} in {Units.Duration(clock.Elapsed)}.");
            WarnIfKeyOnCommandLine(context, parse.GetValue(key));
            return Task.FromResult(ExitCodes.Success);
        });
        return command;
    }

    private static Command Import(CliContext context)
    {
        var file = new Argument<string>("FILE") { Description = "The crypt15 backup, e.g. msgstore.db.crypt15" };
        (Option<string?> key, Option<string?> keyFile) = KeyOptions();
        Option<string> repo = CommonOptions.Repository();
        var device = new Option<string?>("--device") { Description = "Name recorded in the snapshot (default: \"WhatsApp import\")" };
        var command = new Command("import", "Decrypt a WhatsApp crypt15 backup and back its database up into a Lockbox repository (repository key as for 'lockbox backup')")
        {
            file, key, keyFile, repo, device,
        };
        command.SetAction(async (parse, ct) =>
        {
            string input = ExistingInput(parse.GetRequiredValue(file));
            var clock = Stopwatch.StartNew();
            Client.BackupResult backup;
            using (WhatsAppKey whatsAppKey = ResolveKey(context, parse.GetValue(key), parse.GetValue(keyFile), ct))
            {
                backup = await ProgressDisplay.RunAsync(context, "import", sink =>
                    context.CreateClient().ImportWhatsAppAsync(parse.GetRequiredValue(repo), input, whatsAppKey, parse.GetValue(device) ?? "WhatsApp import",
                        new ProgressAdapter<BackupProgress>(sink, p => (p.Phase, p.BytesDone, p.BytesTotal), p => (p.FilesDone, p.FilesTotal)), ct)).ConfigureAwait(false);
            }
            SnapshotSummary summary = backup.Snapshot;

            if (context.Json)
            {
                context.WriteJson(BackupSummary.Of(summary, clock.Elapsed), JsonLines.Types.BackupSummary);
            }
            else
            {
                await context.Out.WriteLineAsync(
                    $"Imported {input} as snapshot {BackupCommands.Short(summary.Id)} (#{summary.Sequence}) in {Units.Duration(clock.Elapsed)}: " +
                    $"database {summary.DatabaseName} {Units.Bytes(summary.DatabaseBytes)}; {Units.Bytes(summary.BytesAdded)} written to the repository " +
                    $"(repository size {Units.Bytes(summary.BytesStored)}).").ConfigureAwait(false);
            }
            WarnIfKeyOnCommandLine(context, parse.GetValue(key));
            return ExitCodes.Success;
        });
        return command;
    }

    private static (Option<string?> Key, Option<string?> KeyFile) KeyOptions() =>
    (
        new Option<string?>("--key") { Description = "The backup's 64-digit key (hex; spaces and dashes allowed); it shows in the process list, prefer --key-file. Without --key or --key-file you are asked for it" },
        new Option<string?>("--key-file") { Description = "A file holding the 64-digit key, or Android's encrypted_backup.key (or, for crypt14 backups, the phone's 'key' file)" }
    );

    private static WhatsAppKey ResolveKey(CliContext context, string? digits, string? keyFile, CancellationToken cancellationToken)
    {
        if (digits is not null && keyFile is not null)
            throw new CliException(ExitCodes.Usage, "Give either --key or --key-file, not both.");
        string? error;
        WhatsAppKey? key;
        if (keyFile is not null)
        {
            if (Crypt15File.TryReadKeyFile(keyFile, out key, out error))
                return key!;
            // Not Android's binary key file: a text file holding the 64 digits (as typed, or as 'lockbox key show' prints them).
            if (new FileInfo(keyFile).Length <= 4096 && WhatsAppKey.TryParse(File.ReadAllText(keyFile).Trim(), out key, out _))
                return key!;
            throw new CliException(ExitCodes.Usage, $"{error} A text file holding the 64-digit key is also accepted.");
        }
        if (digits is null)
        {
            if (context.ReadSecret is null)
                throw new CliException(ExitCodes.Usage, "No key: give the backup's 64-digit key with --key, or Android's encrypted_backup.key with --key-file.");
            digits = context.ReadSecret("Enter the WhatsApp backup's 64-digit key: ", cancellationToken);
        }
        if (!WhatsAppKey.TryParse(digits, out key, out error))
            throw new CliException(ExitCodes.Usage, error!);
        return key!;
    }

    /// <summary>
    /// After a command that was given <c>--key</c>: the key was readable by every user of this machine (process list) and
    /// is in the shell's history. Said once the command is done, so that a failure stays one line.
    /// </summary>
    private static void WarnIfKeyOnCommandLine(CliContext context, string? digits)
    {
        if (digits is not null)
            context.Warn("--key showed the key in the process list and shell history; use --key-file FILE (or type it at the prompt) instead.");
    }

    private static void ThrowIfFailed(Crypt15Result result, string input)
    {
        int code = result.Failure switch
        {
            Crypt15Failure.None => ExitCodes.Success,
            Crypt15Failure.WrongKey => ExitCodes.WrongKey,
            Crypt15Failure.Malformed => ExitCodes.BadSource,
            _ => ExitCodes.Damaged, // truncated, checksum mismatch, unreadable payload
        };
        if (code != ExitCodes.Success)
            throw new CliException(code, $"{input}: {result.Error}");
    }

    private static Crypt15Header ReadTemplate(string path)
    {
        string input = ExistingInput(path);
        byte[] head = new byte[Math.Min(new FileInfo(input).Length, 512)];
        using (FileStream stream = File.OpenRead(input))
            stream.ReadExactly(head);
        if (!Crypt15Reader.TryReadHeader(head, out Crypt15Header? header, out string? error))
            throw new CliException(ExitCodes.BadSource, $"--header-from {path}: {error}");
        return header!;
    }

    private static string ExistingInput(string path)
    {
        if (Directory.Exists(path))
            throw new CliException(ExitCodes.BadSource, $"{path} is a folder, not a file.");
        if (!File.Exists(path))
            throw new CliException(ExitCodes.BadSource, $"{path} does not exist.");
        return path;
    }

    private static void CheckTarget(string target, bool overwrite)
    {
        if (Directory.Exists(target))
            throw new CliException(ExitCodes.WouldOverwrite, $"--out {target} is a folder; give a file name.");
        if (!overwrite && File.Exists(target))
            throw new CliException(ExitCodes.WouldOverwrite, $"{target} already exists; add --force to replace it.");
        string? parent = Path.GetDirectoryName(Path.GetFullPath(target));
        if (parent is not null && !Directory.Exists(parent))
            throw new CliException(ExitCodes.Usage, $"The folder of --out {target} does not exist.");
    }

    private static string Version(Crypt15Header header) => header.AppVersion.Length == 0 ? "version unknown" : header.AppVersion;
}
