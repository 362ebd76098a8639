using Lockbox.Vault.Core.State;

namespace Lockbox.Vault.Core.Commands;

/// <summary>
/// One entry of the vault's command log (after Signal's SecureValueRecovery2: request → log entry →
/// effect → response). Everything the effect depends on — time, randomness, hashes of credentials —
/// is fixed here when the host builds the command, so applying the log again on any replica, or after
/// a restart, reproduces the same state. Secrets the vault must not keep (the management credential
/// itself) never enter a command; only their SHA-256 does.
/// </summary>
internal abstract record VaultCommand(string AccountId, long TimeMs)
{
    public abstract CommandKind Kind { get; }
}

internal enum CommandKind : byte
{
    Enrol = 1,
    StartLogin = 2,
    FinishLogin = 3,
    ChangePassword = 4,
    ResetPassword = 5,
    Delete = 6,
    Tick = 7,
    Anchor = 8,
}

/// <summary>
/// Registers an account: the OPAQUE record, the wrapped backup key, the management credential's hash, the
/// enrolment id the record's OPRF key was derived under and the Argon2id parameters the device used.
/// </summary>
internal sealed record EnrolCommand(string AccountId, long TimeMs, byte[] Record, byte[] WrappedKey, byte[] ManagementHash, int GuessLimit, byte[] EnrolmentId, KsfParameters? Ksf)
    : VaultCommand(AccountId, TimeMs)
{
    public override CommandKind Kind => CommandKind.Enrol;
}

/// <summary>Counts one guess and issues KE2 (randomness for GenerateKE2 and the session id fixed here).</summary>
internal sealed record StartLoginCommand(string AccountId, long TimeMs, byte[] KE1, byte[] SessionId, byte[] Randomness)
    : VaultCommand(AccountId, TimeMs)
{
    public override CommandKind Kind => CommandKind.StartLogin;
}

/// <summary>Checks KE3 for a pending session; on success clears the count and releases the wrapped key under a transport key.</summary>
internal sealed record FinishLoginCommand(string AccountId, long TimeMs, byte[] SessionId, byte[] KE3, byte[] TransportNonce)
    : VaultCommand(AccountId, TimeMs)
{
    public override CommandKind Kind => CommandKind.FinishLogin;
}

/// <summary>Replaces record and wrapped key of an unlocked account, proven by the management credential.</summary>
internal sealed record ChangePasswordCommand(string AccountId, long TimeMs, byte[] ManagementHash, byte[] Record, byte[] WrappedKey, byte[] EnrolmentId, KsfParameters? Ksf)
    : VaultCommand(AccountId, TimeMs)
{
    public override CommandKind Kind => CommandKind.ChangePassword;
}

/// <summary>Re-escrows a forgotten password (also on a locked account), proven by the management credential.</summary>
internal sealed record ResetPasswordCommand(string AccountId, long TimeMs, byte[] ManagementHash, byte[] Record, byte[] WrappedKey, byte[] EnrolmentId, KsfParameters? Ksf)
    : VaultCommand(AccountId, TimeMs)
{
    public override CommandKind Kind => CommandKind.ResetPassword;
}

/// <summary>Deletes the escrow, proven by the management credential.</summary>
internal sealed record DeleteCommand(string AccountId, long TimeMs, byte[] ManagementHash)
    : VaultCommand(AccountId, TimeMs)
{
    public override CommandKind Kind => CommandKind.Delete;
}

/// <summary>The host's clock tick: expires pending logins (and erases keys whose last guess lapsed).</summary>
internal sealed record TickCommand(long TimeMs) : VaultCommand("", TimeMs)
{
    public override CommandKind Kind => CommandKind.Tick;
}

/// <summary>Advances the account's freshness anchor to a newer snapshot, proven by the management credential.</summary>
internal sealed record AnchorCommand(string AccountId, long TimeMs, byte[] ManagementHash, long Sequence, byte[] SnapshotHash)
    : VaultCommand(AccountId, TimeMs)
{
    public const int HashSize = 32;

    public override CommandKind Kind => CommandKind.Anchor;
}
