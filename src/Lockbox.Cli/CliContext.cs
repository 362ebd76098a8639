using Lockbox.Client;

namespace Lockbox.Cli;

/// <summary>
/// Everything a command touches outside its arguments: output streams, environment, whether a person
/// is at a terminal, and how to ask them for a secret. The process entry point fills it from the real
/// console; tests fill it with writers and a dictionary so commands run in-process, side by side.
/// </summary>
internal sealed class CliContext
{
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

    /// <summary>The client SDK, bound to this context's device state, environment key and prompt.</summary>
    public LockboxClient CreateClient() => CreateClient(DeviceState.FromEnvironment(Environment), Environment("LOCKBOX_KEY"));

    /// <summary>A client for an explicit device state and key (the demo's "new device").</summary>
    public LockboxClient CreateClient(DeviceState state, string? key)
    {
        Func<string, CancellationToken, string?>? read = ReadSecret;
        return new LockboxClient(new LockboxClientOptions
        {
            State = state,
            KeyFromEnvironment = key,
            PromptForKey = read is null ? null : ct => read("Enter your 64-digit backup key: ", ct),
            Notice = line => Error.WriteLine($"lockbox: {line}"),
        });
    }
}
