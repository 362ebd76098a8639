using Lockbox.Client.Vault;
using Lockbox.Cryptography;

namespace Lockbox.Client;

/// <summary>
/// A backup key recovered from the vault with the password, and the account's freshness anchor the vault released
/// with it (signed; null when the account has none yet). Hand both to <see cref="LockboxClient.WithKey(KeyRecovery)"/>
/// so a restore refuses a store that hides the newest backups. Disposing zeroes the key.
/// </summary>
public sealed class KeyRecovery : IDisposable
{
    internal KeyRecovery(BackupKey key, FreshnessAnchor? anchor)
    {
        Key = key;
        Anchor = anchor;
    }

    /// <summary>The recovered backup key (K).</summary>
    public BackupKey Key { get; }

    /// <summary>The newest snapshot the account's devices anchored at the vault, or null when none did.</summary>
    public FreshnessAnchor? Anchor { get; }

    public void Dispose() => Key.Dispose();

    public override string ToString() => $"KeyRecovery({Anchor?.ToString() ?? "no anchor"})";
}
