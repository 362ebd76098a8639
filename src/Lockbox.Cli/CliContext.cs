using Lockbox.Client;
using Lockbox.Client.Stores;
using Lockbox.Repository.Storage;
using Lockbox.Storage.Azure;
using Lockbox.Storage.S3;

namespace Lockbox.Cli;

/// <summary>
/// Everything a command touches outside its arguments: output streams, environment, whether a person
/// is at a terminal, and how to ask them for a secret. The process entry point fills it from the real
/// console; tests fill it with writers and a dictionary so commands run in-process, side by side.
/// It is also the CLI's composition root: the one place the environment (LOCKBOX_HOME, LOCKBOX_KEY,
/// LOCKBOX_BANDWIDTH_LIMIT, the AWS and Azure variables) becomes the SDK's explicit options and store registry.
/// </summary>
internal sealed class CliContext
{
    /// <summary>The variable that caps the cloud stores' average transfer rate, in bytes per second (<see cref="ByteSize"/>).</summary>
    public const string BandwidthVariable = "LOCKBOX_BANDWIDTH_LIMIT";

    /// <summary>The variable holding the 64-digit key on a new device.</summary>
    public const string KeyVariable = "LOCKBOX_KEY";

    /// <summary>Where results go (the 64-digit key, tables, JSON).</summary>
    public required TextWriter Out { get; init; }

    /// <summary>Where errors, progress and step messages go, so <see cref="Out"/> stays parseable.</summary>
    public required TextWriter Error { get; init; }

    /// <summary>Reads an environment variable (LOCKBOX_HOME, LOCKBOX_KEY, ...).</summary>
    public required Func<string, string?> Environment { get; init; }

    /// <summary>True when a person watches a terminal: progress bars instead of plain progress lines.</summary>
    public bool Interactive { get; init; }

    /// <summary>Asks for a secret without echoing it; null when no one can be asked.</summary>
    public Func<string, CancellationToken, string?>? ReadSecret { get; init; }

    /// <summary><c>--key-file</c> as given on the command line (<see cref="Commands.Secrets"/>).</summary>
    public string? KeyFile { get; set; }

    /// <summary><c>--password-file</c> as given on the command line.</summary>
    public string? PasswordFile { get; set; }

    /// <summary><c>--password-command</c> as given on the command line.</summary>
    public string? PasswordCommand { get; set; }

    /// <summary>
    /// Where the backup key given to the SDK came from ("--key-file k.txt", "LOCKBOX_KEY", "the prompt"), for the line that
    /// reports a wrong key; null when none was given (the device's own key, if any, is used).
    /// </summary>
    public string? KeySource { get; set; }

    /// <summary><c>-q/--quiet</c>: only errors, warnings and the final result.</summary>
    public bool Quiet { get; set; }

    /// <summary><c>--no-progress</c> (or <c>--quiet</c>): no progress display.</summary>
    public bool NoProgress { get; set; }

    /// <summary>
    /// <c>--json</c>: results, snapshots and progress as JSON lines on <see cref="Out"/>; steps, warnings and errors as
    /// JSON lines on <see cref="Error"/> (<see cref="Output.Json.JsonMessage"/>).
    /// </summary>
    public bool Json { get; set; }

    /// <summary><c>-v/--verbose</c>: also each file a backup added or changed and each file a restore wrote.</summary>
    public bool Verbose { get; set; }

    /// <summary>Tells the user a step (<c>lockbox: ...</c> on <see cref="Error"/>), unless <see cref="Quiet"/>.</summary>
    public void Info(string line)
    {
        if (Quiet) return;
        if (Json)
            Output.Json.JsonLines.Write(Error, new Output.Json.NoteMessage("info", line), Output.Json.JsonLines.Types.NoteMessage);
        else
            Error.WriteLine($"lockbox: {line}");
    }

    /// <summary>A warning (<c>lockbox: warning: ...</c> on <see cref="Error"/>, or a JSON <c>warning</c> line), even with <see cref="Quiet"/>.</summary>
    public void Warn(string line)
    {
        if (Json)
            Output.Json.JsonLines.Write(Error, new Output.Json.NoteMessage("warning", line), Output.Json.JsonLines.Types.NoteMessage);
        else
            Error.WriteLine($"lockbox: warning: {line}");
    }

    /// <summary>
    /// A failure the command reports itself (it has no exception to throw, e.g. a damaged repository found by verify):
    /// "lockbox: MESSAGE" or a JSON <c>error</c> line on <see cref="Error"/>; returns <paramref name="code"/>.
    /// </summary>
    public int Fail(int code, string message)
    {
        if (Json)
            ErrorReporter.WriteJson(Error, code, message);
        else
            Error.WriteLine($"lockbox: {message}");
        return code;
    }

    /// <summary>Writes one <c>--json</c> result line on <see cref="Out"/>.</summary>
    public void WriteJson<T>(T message, System.Text.Json.Serialization.Metadata.JsonTypeInfo<T> type) where T : Output.Json.JsonMessage =>
        Output.Json.JsonLines.Write(Out, message, type);

    /// <summary>This device's state: <c>LOCKBOX_HOME</c>, or <c>~/.lockbox</c>.</summary>
    public DeviceState DeviceState() =>
        Environment("LOCKBOX_HOME") is { Length: > 0 } home && !string.IsNullOrWhiteSpace(home) ? new DeviceState(home) : Client.DeviceState.ForUser();

    /// <summary>The stores the <c>lockbox</c> command opens: folders, S3 and Azure, with credentials from the environment.</summary>
    public StoreRegistry Stores() => new StoreRegistry()
        .Register(new S3StoreFactory(Environment))
        .Register(new AzureStoreFactory(Environment));

    /// <summary>LOCKBOX_BANDWIDTH_LIMIT as store limits; a malformed value is a usage error.</summary>
    public StoreLimits Limits()
    {
        string? text = Environment(BandwidthVariable);
        if (string.IsNullOrWhiteSpace(text)) return StoreLimits.None;
        if (!ByteSize.TryParse(text, out long rate))
        {
            string shown = text.Trim().Length <= 40 ? text.Trim() : text.Trim()[..40] + "…";
            throw new CliException(ExitCodes.Usage, $"{BandwidthVariable} must be a whole number of bytes per second, optionally with KB, MB, GB (powers of 1000) or KiB, MiB, GiB (e.g. 5MiB), not '{shown}'.");
        }
        return new StoreLimits { BandwidthBytesPerSecond = rate };
    }

    /// <summary>How often a typed key may be malformed before the command gives up.</summary>
    internal const int KeyTries = 3;

    /// <summary>
    /// Asks for the 64-digit key, again after a typo (a wrong character or digit count), at most <see cref="KeyTries"/> times;
    /// the line about the typo names the position, never the digits.
    /// </summary>
    private string? PromptForKey(Func<string, CancellationToken, string?> read, CancellationToken cancellationToken)
    {
        Span<byte> check = stackalloc byte[Cryptography.BackupKey.Size];
        try
        {
            for (int attempt = 1; ; attempt++)
            {
                string? typed = read("Enter your 64-digit backup key: ", cancellationToken);
                if (typed is null) return null;
                if (Cryptography.BackupKeyCode.TryParse(typed, check, out string? error))
                {
                    KeySource = "the prompt";
                    return typed;
                }
                if (attempt == KeyTries)
                    throw new CliException(ExitCodes.Usage, $"{error} No valid key after {KeyTries} tries.");
                Error.WriteLine($"{error} Try again ({KeyTries - attempt} left)."); // a hint at the prompt, not the failure line
            }
        }
        finally
        {
            System.Security.Cryptography.CryptographicOperations.ZeroMemory(check);
        }
    }

    /// <summary>The client SDK, bound to this context's device state, key, stores and prompt.</summary>
    public LockboxClient CreateClient() => CreateClient(DeviceState(), Commands.Secrets.KeyDigits(this));

    /// <summary>As <see cref="CreateClient()"/>, in password mode with <paramref name="vault"/> (a backup then advances its freshness anchor).</summary>
    public LockboxClient CreateClient(Client.Vault.VaultClientOptions? vault) => CreateClient(DeviceState(), Commands.Secrets.KeyDigits(this), vault);

    /// <summary>A client for an explicit device state and key digits (the demo's "new device").</summary>
    public LockboxClient CreateClient(DeviceState state, string? key, Client.Vault.VaultClientOptions? vault = null)
    {
        Func<string, CancellationToken, string?>? read = ReadSecret;
        return new LockboxClient(new LockboxClientOptions
        {
            State = state,
            Stores = Stores(),
            StoreLimits = Limits(),
            KeyDigits = key,
            Vault = vault,
            // Scratch (a backup's sealed database copy, a WhatsApp import's) stays in LOCKBOX_HOME (0700).
            ScratchDirectory = state.Directory,
            PromptForKey = read is null ? null : ct => PromptForKey(read, ct),
            Notice = Info,
        });
    }
}
