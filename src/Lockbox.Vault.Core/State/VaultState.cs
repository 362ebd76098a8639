using Lockbox.Vault.Core.Commands;

namespace Lockbox.Vault.Core.State;

/// <summary>
/// Everything the state machine holds: the accounts and the logins awaiting KE3. Snapshot layout
/// (sealed by the HSM before it reaches disk):
/// <c>version (1) || n || n × (id || record || has_key (1) || wrapped_key? || mgmt_hash || count || limit || locked (1) || version
///  || enrolment_id || has_ksf (1) || [t || m || p])
///  || m || m × (session_id || id || server_state || expires_ms || fake (1) || record_version)</c>.
/// Version 2 added the enrolment id and KSF fields; version 1 snapshots read with neither. Version 3 (issue 10) appends
/// to each account <c>anchor_sequence (i64) || anchor_hash</c>, to each pending login <c>ke1_hash || ke2 || guesses_left</c> and then the finished attempts
/// <c>f || f × (session_id || id || ke3_hash || outcome (1) || has_key (1) || sealed_key? || guesses_left || locked (1) || erased (1) || expires_ms || anchor_sequence || anchor_hash)</c>.
/// </summary>
internal sealed class VaultState
{
    private const byte SnapshotVersion = 3;

    public Dictionary<string, AccountRecord> Accounts { get; } = new(StringComparer.Ordinal);

    /// <summary>Keyed by the lowercase hex of the 16-byte session id.</summary>
    public Dictionary<string, PendingLogin> Pending { get; } = new(StringComparer.Ordinal);

    /// <summary>Login attempts whose KE3 was answered, until they would have expired; keyed like <see cref="Pending"/>.</summary>
    public Dictionary<string, FinishedLogin> Finished { get; } = new(StringComparer.Ordinal);

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
            w.I64(a.AnchorSequence);
            w.Bytes(a.AnchorHash);
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
            w.Bytes(p.Ke1Hash);
            w.Bytes(p.KE2);
            w.I32(p.GuessesLeft);
        }
        w.I32(Finished.Count);
        foreach ((string session, FinishedLogin f) in Finished.OrderBy(f => f.Key, StringComparer.Ordinal))
        {
            w.Text(session);
            w.Text(f.AccountId);
            w.Bytes(f.Ke3Hash);
            w.U8((byte)f.Outcome);
            w.U8(f.SealedKey is null ? (byte)0 : (byte)1);
            if (f.SealedKey is not null) w.Bytes(f.SealedKey);
            w.I32(f.GuessesLeft);
            w.U8(f.Locked ? (byte)1 : (byte)0);
            w.U8(f.Erased ? (byte)1 : (byte)0);
            w.I64(f.ExpiresMs);
            w.I64(f.AnchorSequence);
            w.Bytes(f.AnchorHash);
        }
        return w.ToArray();
    }

    public static VaultState Deserialize(byte[] snapshot)
    {
        var r = new FieldReader(snapshot);
        byte version = r.U8();
        if (version is not (SnapshotVersion or 2 or 1)) throw new FormatException($"Snapshot version {version} is not supported (this vault reads versions 1 to {SnapshotVersion}).");
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
            (account.EnrolmentId, account.Ksf) = CommandCodec.ReadEnrolment(r, version >= 2);
            if (version >= 3)
            {
                account.AnchorSequence = r.I64();
                account.AnchorHash = r.Bytes();
            }
            if (!state.Accounts.TryAdd(id, account)) throw new FormatException("Snapshot lists an account twice.");
        }
        int pending = r.I32();
        for (int i = 0; i < pending; i++)
        {
            string session = r.Text();
            var login = new PendingLogin(r.Text(), r.Bytes(), r.I64(), r.U8() == 1, r.I64());
            if (version >= 3) login = login with { Ke1Hash = r.Bytes(), KE2 = r.Bytes(), GuessesLeft = r.I32() };
            if (!state.Pending.TryAdd(session, login)) throw new FormatException("Snapshot lists a pending login twice.");
        }
        int finished = version >= 3 ? r.I32() : 0;
        for (int i = 0; i < finished; i++)
        {
            string session = r.Text();
            string account = r.Text();
            byte[] ke3Hash = r.Bytes();
            byte outcome = r.U8();
            if (!Enum.IsDefined((VaultOutcome)outcome)) throw new FormatException("Snapshot holds an unknown login outcome.");
            byte[]? sealedKey = r.U8() == 1 ? r.Bytes() : null;
            var done = new FinishedLogin(account, ke3Hash, (VaultOutcome)outcome, sealedKey, r.I32(), r.U8() == 1, r.U8() == 1, r.I64())
            {
                AnchorSequence = r.I64(), AnchorHash = r.Bytes(),
            };
            if (!state.Finished.TryAdd(session, done)) throw new FormatException("Snapshot lists a finished login twice.");
        }
        if (!r.AtEnd) throw new FormatException("Trailing bytes after snapshot.");
        return state;
    }
}
