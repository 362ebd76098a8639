using Lockbox.Cryptography;

namespace Lockbox.Client;

/// <summary>How a <see cref="LockboxClient"/> finds its device state and, on a new device, the backup key.</summary>
public sealed class LockboxClientOptions
{
    /// <summary>This device's state directory.</summary>
    public required DeviceState State { get; init; }

    /// <summary>The 64-digit key given by the environment (<c>LOCKBOX_KEY</c>), or null. It wins over device state.</summary>
    public string? KeyFromEnvironment { get; init; }

    /// <summary>
    /// Asks the user for the 64-digit key without echoing it; returns null when no one can be asked
    /// (no terminal). Called only when neither the environment nor device state has a key.
    /// </summary>
    public Func<CancellationToken, string?>? PromptForKey { get; init; }

    /// <summary>
    /// A key already recovered by the caller (password mode: unwrapped from the vault). It wins over every
    /// other source; the client uses a copy, the caller keeps and disposes this one.
    /// </summary>
    public BackupKey? RecoveredKey { get; init; }

    /// <summary>Receives one-line notices about things done on the user's behalf (a stale lock of this host removed).</summary>
    public Action<string>? Notice { get; init; }
}
