using Lockbox.Vault.Core.State;

namespace Lockbox.Vault.Core.Commands;

/// <summary>
/// Byte layout of a log entry (before the HSM seals it):
/// <c>version (1) || kind (1) || time_ms (i64) || account_id (len-prefixed UTF-8) || fields by kind</c>,
/// every integer big-endian, every byte string prefixed by its i32 length. Version 2 appends to enrol,
/// change and reset <c>enrolment_id (bytes) || has_ksf (1) || [t (i32) || m (i32) || p (i32)]</c>.
/// Kind 8 (anchor, issue 10): <c>mgmt_hash || sequence (i64) || snapshot_hash</c>.
/// Version 1 entries are still read: no enrolment id (the plain account id is the credential identifier)
/// and no KSF parameters. Readers refuse other versions.
/// </summary>
internal static class CommandCodec
{
    public const byte Version = 2;
    private const byte Version1 = 1;

    public static byte[] Serialize(VaultCommand command)
    {
        var w = new FieldWriter();
        w.U8(Version);
        w.U8((byte)command.Kind);
        w.I64(command.TimeMs);
        w.Text(command.AccountId);
        switch (command)
        {
            case EnrolCommand c:
                w.Bytes(c.Record); w.Bytes(c.WrappedKey); w.Bytes(c.ManagementHash); w.I32(c.GuessLimit);
                WriteEnrolment(w, c.EnrolmentId, c.Ksf);
                break;
            case StartLoginCommand c:
                w.Bytes(c.KE1); w.Bytes(c.SessionId); w.Bytes(c.Randomness);
                break;
            case FinishLoginCommand c:
                w.Bytes(c.SessionId); w.Bytes(c.KE3); w.Bytes(c.TransportNonce);
                break;
            case ChangePasswordCommand c:
                w.Bytes(c.ManagementHash); w.Bytes(c.Record); w.Bytes(c.WrappedKey);
                WriteEnrolment(w, c.EnrolmentId, c.Ksf);
                break;
            case ResetPasswordCommand c:
                w.Bytes(c.ManagementHash); w.Bytes(c.Record); w.Bytes(c.WrappedKey);
                WriteEnrolment(w, c.EnrolmentId, c.Ksf);
                break;
            case DeleteCommand c:
                w.Bytes(c.ManagementHash);
                break;
            case AnchorCommand c:
                w.Bytes(c.ManagementHash); w.I64(c.Sequence); w.Bytes(c.SnapshotHash);
                break;
            case TickCommand:
                break;
            default:
                throw new ArgumentException("Unknown command type.", nameof(command));
        }
        return w.ToArray();
    }

    public static VaultCommand Deserialize(byte[] entry)
    {
        var r = new FieldReader(entry);
        byte version = r.U8();
        if (version is not (Version or Version1)) throw new FormatException($"Log entry version {version} is not supported (this vault reads versions {Version1} and {Version}).");
        bool v2 = version == Version;
        var kind = (CommandKind)r.U8();
        long time = r.I64();
        string account = r.Text();
        VaultCommand command;
        switch (kind)
        {
            case CommandKind.Enrol:
            {
                byte[] record = r.Bytes(), wrapped = r.Bytes(), hash = r.Bytes();
                int limit = r.I32();
                (byte[] enrolment, KsfParameters? ksf) = ReadEnrolment(r, v2);
                command = new EnrolCommand(account, time, record, wrapped, hash, limit, enrolment, ksf);
                break;
            }
            case CommandKind.StartLogin:
                command = new StartLoginCommand(account, time, r.Bytes(), r.Bytes(), r.Bytes());
                break;
            case CommandKind.FinishLogin:
                command = new FinishLoginCommand(account, time, r.Bytes(), r.Bytes(), r.Bytes());
                break;
            case CommandKind.ChangePassword or CommandKind.ResetPassword:
            {
                byte[] hash = r.Bytes(), record = r.Bytes(), wrapped = r.Bytes();
                (byte[] enrolment, KsfParameters? ksf) = ReadEnrolment(r, v2);
                command = kind == CommandKind.ChangePassword
                    ? new ChangePasswordCommand(account, time, hash, record, wrapped, enrolment, ksf)
                    : new ResetPasswordCommand(account, time, hash, record, wrapped, enrolment, ksf);
                break;
            }
            case CommandKind.Delete:
                command = new DeleteCommand(account, time, r.Bytes());
                break;
            case CommandKind.Anchor:
                command = new AnchorCommand(account, time, r.Bytes(), r.I64(), r.Bytes());
                break;
            case CommandKind.Tick:
                command = account.Length == 0 ? new TickCommand(time) : throw new FormatException("A tick entry names no account.");
                break;
            default:
                throw new FormatException($"Unknown log entry kind {(byte)kind}.");
        }
        if (!r.AtEnd) throw new FormatException("Trailing bytes after log entry.");
        return command;
    }

    internal static void WriteEnrolment(FieldWriter w, byte[] enrolmentId, KsfParameters? ksf)
    {
        w.Bytes(enrolmentId);
        w.U8(ksf is null ? (byte)0 : (byte)1);
        if (ksf is null) return;
        w.I32(ksf.Iterations); w.I32(ksf.MemoryKiB); w.I32(ksf.Parallelism);
    }

    internal static (byte[] EnrolmentId, KsfParameters? Ksf) ReadEnrolment(FieldReader r, bool present)
    {
        if (!present) return ([], null);
        byte[] enrolment = r.Bytes();
        byte hasKsf = r.U8();
        if (hasKsf > 1) throw new FormatException("Bad KSF flag.");
        return (enrolment, hasKsf == 1 ? new KsfParameters(r.I32(), r.I32(), r.I32()) : null);
    }
}
