using Lockbox.Client.Stores;
using Lockbox.Client.Vault;
using Lockbox.Cryptography;
using Lockbox.Repository.Storage;

namespace Lockbox.Client;

/// <summary>
/// Everything a <see cref="LockboxClient"/> needs from the app, given explicitly: where the device state lives, the
/// stores it may open, how fast it may talk to them, and, on a new device, where the backup key comes from. The SDK
/// reads no environment variable; the app (or the <c>lockbox</c> CLI) maps its own configuration onto these.
/// </summary>
public sealed class LockboxClientOptions
{
    /// <summary>This device's state directory.</summary>
    public required DeviceState State { get; init; }

    /// <summary>The stores repository addresses may name. Default: folders only.</summary>
    public StoreRegistry Stores { get; init; } = new();

    /// <summary>Caps on every remote store's traffic (bandwidth, parallel requests). Default: none.</summary>
    public StoreLimits StoreLimits { get; init; } = StoreLimits.None;

    /// <summary>The 64-digit key the user gave the app (a new device), or null. It wins over device state.</summary>
    public string? KeyDigits { get; init; }

    /// <summary>
    /// Asks the user for the 64-digit key without echoing it; returns null when no one can be asked.
    /// Called only when neither <see cref="KeyDigits"/> nor device state has a key.
    /// </summary>
    public Func<CancellationToken, string?>? PromptForKey { get; init; }

    /// <summary>
    /// A key already recovered by the caller (e.g. with <see cref="LockboxClient.RecoverKeyAsync"/>). It wins over every
    /// other source; the client uses a copy, the caller keeps and disposes this one.
    /// </summary>
    public BackupKey? RecoveredKey { get; init; }

    /// <summary>
    /// The freshness anchor the vault released with <see cref="RecoveredKey"/> (<see cref="KeyRecovery.Anchor"/>), or
    /// null. When set, a restore first checks the store's newest snapshot against it and refuses a store that hides
    /// newer backups (<see cref="VaultFailure.StaleStore"/>), before anything is written.
    /// </summary>
    public FreshnessAnchor? Anchor { get; init; }

    /// <summary>
    /// The vault this device escrows its key with (password mode), or null. When set, each successful backup of a
    /// repository that remembers this account advances the account's freshness anchor to the new snapshot.
    /// </summary>
    public VaultClientOptions? Vault { get; init; }

    /// <summary>
    /// Where plaintext that must not outlive an operation is put for a moment (a decrypted WhatsApp backup being imported,
    /// the consistent copy of the database a backup reads): a folder only this app can read, e.g. a phone app's private
    /// cache. Null: the device's state folder for a backup's copy, the system's temporary folder for an import.
    /// </summary>
    public string? ScratchDirectory { get; init; }

    /// <summary>Receives one-line notices about things done on the user's behalf (a stale lock of this host removed).</summary>
    public Action<string>? Notice { get; init; }
}
