using Lockbox.Vault.Core.Commands;

namespace Lockbox.Vault.Core.State;

/// <summary>
/// Everything the state machine holds: the accounts and the logins awaiting KE3. Snapshot layout
/// (sealed by the HSM before it reaches disk):
/// <c>version (1) || n || n × (id || record || has_key (1) || wrapped_key? || mgmt_hash || count || limit || locked (1) || version
///  || enrolment_id || has_ksf (1) || [t || m || p])
///  || m || m × (session_id || id || server_state || expires_ms || fake (1) || record_version)</c>.
/// Version 2 added the enrolment id and KSF fields; version 1 snapshots read with neither.
/// </summary>
internal sealed class VaultState
{
    private const byte SnapshotVersion = 2;

    public Dictionary<string, AccountRecord> Accounts { get; } = new(StringComparer.Ordinal);

    /// <summary>Keyed by the lowercase hex of the 16-byte session id.</summary>
    public Dictionary<string, PendingLogin> Pending { get; } = new(StringComparer.Ordinal);

    public byte[] Serialize()
    {
        var w = new FieldWriter();
        w.U8(SnapshotVersion);
        w.I32(Accounts.Count);
        foreach (AccountRecord a in Accounts.Values.OrderBy(a => a.AccountId, StringComparer.Ordinal))
        {
            w.Text(a.AccountId);
            w.Bytes(a.Record);
            w.U8(a.WrappedKey is null ? (byte)0 : (byte)1);
            if (a.WrappedKey is not null) w.Bytes(a.WrappedKey);
            w.Bytes(a.ManagementHash);
            w.I32(a.GuessCount);
            w.I32(a.GuessLimit);
            w.U8(a.Locked ? (byte)1 : (byte)0);
            w.I64(a.Version);
            CommandCodec.WriteEnrolment(w, a.EnrolmentId, a.Ksf);
        }
        w.I32(Pending.Count);
        foreach ((string session, PendingLogin p) in Pending.OrderBy(p => p.Key, StringComparer.Ordinal))
        {
            w.Text(session);
            w.Text(p.AccountId);
            w.Bytes(p.ServerState);
            w.I64(p.ExpiresMs);
            w.U8(p.Fake ? (byte)1 : (byte)0);
            w.I64(p.RecordVersion);
        }
        return w.ToArray();
    }

    public static VaultState Deserialize(byte[] snapshot)
    {
        var r = new FieldReader(snapshot);
        byte version = r.U8();
        if (version is not (SnapshotVersion or 1)) throw new FormatException($"Snapshot version {version} is not supported (this vault reads versions 1 and {SnapshotVersion}).");
        var state = new VaultState();
        int accounts = r.I32();
        for (int i = 0; i < accounts; i++)
        {
            string id = r.Text();
            byte[] record = r.Bytes();
            byte[]? wrapped = r.U8() == 1 ? r.Bytes() : null;
            var account = new AccountRecord
            {
                AccountId = id,
                Record = record,
                WrappedKey = wrapped,
                ManagementHash = r.Bytes(),
                GuessCount = r.I32(),
                GuessLimit = r.I32(),
                Locked = r.U8() == 1,
                Version = r.I64(),
            };
            (account.EnrolmentId, account.Ksf) = CommandCodec.ReadEnrolment(r, version == SnapshotVersion);
            if (!state.Accounts.TryAdd(id, account)) throw new FormatException("Snapshot lists an account twice.");
        }
        int pending = r.I32();
        for (int i = 0; i < pending; i++)
        {
            string session = r.Text();
            if (!state.Pending.TryAdd(session, new PendingLogin(r.Text(), r.Bytes(), r.I64(), r.U8() == 1, r.I64())))
                throw new FormatException("Snapshot lists a pending login twice.");
        }
        if (!r.AtEnd) throw new FormatException("Trailing bytes after snapshot.");
        return state;
    }
}
