using System.Diagnostics;
using Lockbox.Cli.Output;
using Lockbox.Client;
using Lockbox.Repository;

namespace Lockbox.Cli.Demo;

/// <summary>
/// <c>lockbox demo</c>: the whole story on one machine. A phone with a realistic chat enables
/// backups, backs up, chats for another day and backs up again; then the phone is "lost": a new
/// device with empty state restores with the 64-digit key, and the restored chat is checked
/// against the original (database through SQL, media byte for byte). Each step prints what it did
/// and how long it took. Runs in a temporary folder that it removes afterwards.
/// </summary>
internal sealed class DemoRunner(CliContext context, ChatSpec spec, DemoKeyMode mode, string? keepDirectory, Opaque.Argon2idKeyStretching? passwordStretching = null)
{
    private readonly TextWriter _out = context.Out;
    private int _step;

    public async Task<int> RunAsync(CancellationToken cancellationToken)
    {
        string work = keepDirectory is null
            ? Path.Combine(Path.GetTempPath(), "lockbox-demo-" + Guid.NewGuid().ToString("N")[..8])
            : Path.GetFullPath(keepDirectory);
        if (Directory.Exists(work) && Directory.EnumerateFileSystemEntries(work).Any())
            throw new CliException(ExitCodes.Usage, $"The demo folder {work} is not empty; give an empty or new folder.");
        Directory.CreateDirectory(work);
        var total = Stopwatch.StartNew();
        try
        {
            int code = await RunStepsAsync(work, cancellationToken).ConfigureAwait(false);
            await _out.WriteLineAsync($"Demo finished in {Units.Duration(total.Elapsed)}.").ConfigureAwait(false);
            return code;
        }
        finally
        {
            if (keepDirectory is null) TryDelete(work);
            else await _out.WriteLineAsync($"Kept the demo's files in {work}.").ConfigureAwait(false);
        }
    }

    private async Task<int> RunStepsAsync(string work, CancellationToken ct)
    {
        string phone = Path.Combine(work, "phone");
        string repository = Path.Combine(work, "cloud-repository");
        string newPhone = Path.Combine(work, "new-phone");
        var oldDevice = new DeviceState(Path.Combine(work, "phone-state"));
        var newDevice = new DeviceState(Path.Combine(work, "new-phone-state"));
        await _out.WriteLineAsync($"Lockbox demo ({(mode == DemoKeyMode.Password ? "password mode" : "64-digit key")}) in {work}").ConfigureAwait(false);
        await using PasswordDemo? vault = mode == DemoKeyMode.Password
            ? await StepAsync("Start a key vault on loopback (key ceremony, software HSM in the demo folder)",
                () => PasswordDemo.StartAsync(work, passwordStretching ?? Lockbox.Client.Vault.KeyStretchingPresets.Demo)).ConfigureAwait(false)
            : null;

        GeneratedChat chat = await StepAsync("Generate a chat on the phone", () =>
        {
            GeneratedChat c = ChatGenerator.Generate(phone, spec, ct);
            return Task.FromResult((c, $"{c.Messages:N0} messages in {c.Chats} chats, database {Units.Bytes(c.DatabaseBytes)} (WAL mode); " +
                $"{c.MediaFiles} media files ({c.DistinctMedia} distinct, the rest forwarded copies), {Units.Bytes(c.MediaBytes)}"));
        }).ConfigureAwait(false);

        LockboxClient phoneClient = context.CreateClient(oldDevice, key: null);
        InitResult init = await StepAsync("Enable backups: create the repository and the backup key", async () =>
        {
            InitResult r = await phoneClient.InitAsync(repository, vault?.Hints, ct).ConfigureAwait(false);
            return (r, $"repository {r.Address}; the key stays on the phone in {oldDevice.Directory}");
        }).ConfigureAwait(false);
        if (vault is not null)
            await StepAsync("Escrow the key in the vault behind a password (the vault never sees the password or the key)", () => vault.EnrolAsync(oldDevice, ct)).ConfigureAwait(false);
        else
            await ProtectKeyAsync(init.KeyDigits).ConfigureAwait(false);

        var source = new BackupSource(chat.DatabasePath, chat.MediaDirectory, "demo-phone");
        await StepAsync("Back up (first, full)", async () =>
        {
            SnapshotSummary s = (await phoneClient.BackupAsync(repository, source, null, ct).ConfigureAwait(false)).Snapshot;
            return (s, $"snapshot #{s.Sequence}: {Units.Bytes(s.DatabaseBytes + s.MediaBytes)} of chat, {Units.Bytes(s.BytesAdded)} written to the repository " +
                $"(forwarded media stored once)");
        }).ConfigureAwait(false);

        await StepAsync("Next day: ~1% new messages, read receipts and edits across every chat", () =>
        {
            (long added, int edited) = NextDay.Apply(chat.DatabasePath, spec.Seed + 1);
            return Task.FromResult((added, $"{added:N0} messages added, {edited} rows edited"));
        }).ConfigureAwait(false);

        await StepAsync("Back up again (incremental)", async () =>
        {
            SnapshotSummary s = (await phoneClient.BackupAsync(repository, source, null, ct).ConfigureAwait(false)).Snapshot;
            double share = s.DatabaseBytes == 0 ? 0 : 100.0 * s.BytesAdded / s.DatabaseBytes;
            return (s, $"snapshot #{s.Sequence}: {Units.Bytes(s.BytesAdded)} written to the repository ({share:0.0}% of the database; a whole-file upload would send 100%)");
        }).ConfigureAwait(false);

        await StepAsync("Verify the repository, decrypting every blob", async () =>
        {
            VerifyReport v = await phoneClient.VerifyAsync(repository, readData: true, null, ct).ConfigureAwait(false);
            if (!v.IsHealthy) throw new CliException(ExitCodes.Damaged, $"verify found problems: {string.Join("; ", v.Problems)}");
            return (v, $"{v.Snapshots} snapshots, {v.Packs} packs, {v.BlobsChecked} blobs decrypted and authenticated");
        }).ConfigureAwait(false);

        using Cryptography.BackupKey? recovered = vault is null ? null
            : await StepAsync("Lose the phone; on a new device (empty state) get the key back from the vault with the password", () => vault.RecoverAsync(repository, ct)).ConfigureAwait(false);
        LockboxClient newClient = recovered is not null
            ? new LockboxClient(new LockboxClientOptions { State = newDevice, RecoveredKey = recovered })
            : context.CreateClient(newDevice, await RecoverKeyAsync(init.KeyDigits).ConfigureAwait(false));
        await StepAsync(recovered is null ? "Lose the phone; restore on a new device (empty state) with the key" : "Restore on the new device with the recovered key", async () =>
        {
            RestoreResult r = await newClient.RestoreAsync(repository, "latest", newPhone, false, null, ct).ConfigureAwait(false);
            return (r, $"restored into {newPhone}: {ChatGenerator.DatabaseFileName} and {ChatGenerator.MediaFolderName}/");
        }).ConfigureAwait(false);

        IReadOnlyList<string> problems = await StepAsync("Check the restored chat against the original", () =>
        {
            IReadOnlyList<string> p = ChatComparer.Compare(chat.DatabasePath, Path.Combine(newPhone, ChatGenerator.DatabaseFileName),
                chat.MediaDirectory, Path.Combine(newPhone, ChatGenerator.MediaFolderName), out long rows, out int files);
            return Task.FromResult((p, p.Count == 0
                ? $"identical: {rows:N0} rows in every table (via SQL), {files} media files byte for byte"
                : $"{p.Count} differences"));
        }).ConfigureAwait(false);

        foreach (string problem in problems.Take(20))
            await _out.WriteLineAsync($"    difference: {problem}").ConfigureAwait(false);
        if (problems.Count > 0)
            throw new CliException(ExitCodes.Damaged, $"the restored chat differs from the original ({problems.Count} differences).");
        return ExitCodes.Success;
    }

    /// <summary>How the user keeps the key. Password mode escrows it in the vault here.</summary>
    private async Task ProtectKeyAsync(string digits)
    {
        switch (mode)
        {
            case DemoKeyMode.Digits:
                await _out.WriteLineAsync($"    the user writes down the 64-digit key: {digits}").ConfigureAwait(false);
                break;
            default:
                throw new CliException(ExitCodes.Usage, $"Demo key mode {mode} is not available.");
        }
    }

    /// <summary>How the user gets the key back on the new device. Password mode asks the vault here.</summary>
    private async Task<string> RecoverKeyAsync(string digits)
    {
        switch (mode)
        {
            case DemoKeyMode.Digits:
                string typed = digits.ToUpperInvariant().Replace(' ', '-');
                await _out.WriteLineAsync($"    on the new device the user types the 64-digit key (case, spaces and dashes do not matter)").ConfigureAwait(false);
                return typed;
            default:
                throw new CliException(ExitCodes.Usage, $"Demo key mode {mode} is not available.");
        }
    }

    private async Task<T> StepAsync<T>(string title, Func<Task<(T Result, string Detail)>> action)
    {
        _step++;
        await _out.WriteLineAsync($"[{_step}] {title}").ConfigureAwait(false);
        var clock = Stopwatch.StartNew();
        (T result, string detail) = await action().ConfigureAwait(false);
        await _out.WriteLineAsync($"    {detail}  [{Units.Duration(clock.Elapsed)}]").ConfigureAwait(false);
        return result;
    }

    private static void TryDelete(string directory)
    {
        try { Directory.Delete(directory, recursive: true); }
        catch (IOException) { }
        catch (UnauthorizedAccessException) { }
    }
}
