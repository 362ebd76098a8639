namespace Lockbox.Vault.Core.Commands;

/// <summary>
/// Byte layout of a log entry (before the HSM seals it):
/// <c>version (1) || kind (1) || time_ms (i64) || account_id (len-prefixed UTF-8) || fields by kind</c>,
/// every integer big-endian, every byte string prefixed by its i32 length. Readers refuse unknown versions.
/// </summary>
internal static class CommandCodec
{
    public const byte Version = 1;

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
                break;
            case StartLoginCommand c:
                w.Bytes(c.KE1); w.Bytes(c.SessionId); w.Bytes(c.Randomness);
                break;
            case FinishLoginCommand c:
                w.Bytes(c.SessionId); w.Bytes(c.KE3); w.Bytes(c.TransportNonce);
                break;
            case ChangePasswordCommand c:
                w.Bytes(c.ManagementHash); w.Bytes(c.Record); w.Bytes(c.WrappedKey);
                break;
            case ResetPasswordCommand c:
                w.Bytes(c.ManagementHash); w.Bytes(c.Record); w.Bytes(c.WrappedKey);
                break;
            case DeleteCommand c:
                w.Bytes(c.ManagementHash);
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
        if (version != Version) throw new FormatException($"Log entry version {version} is not supported (this vault reads version {Version}).");
        var kind = (CommandKind)r.U8();
        long time = r.I64();
        string account = r.Text();
        VaultCommand command = kind switch
        {
            CommandKind.Enrol => new EnrolCommand(account, time, r.Bytes(), r.Bytes(), r.Bytes(), r.I32()),
            CommandKind.StartLogin => new StartLoginCommand(account, time, r.Bytes(), r.Bytes(), r.Bytes()),
            CommandKind.FinishLogin => new FinishLoginCommand(account, time, r.Bytes(), r.Bytes(), r.Bytes()),
            CommandKind.ChangePassword => new ChangePasswordCommand(account, time, r.Bytes(), r.Bytes(), r.Bytes()),
            CommandKind.ResetPassword => new ResetPasswordCommand(account, time, r.Bytes(), r.Bytes(), r.Bytes()),
            CommandKind.Delete => new DeleteCommand(account, time, r.Bytes()),
            CommandKind.Tick => account.Length == 0 ? new TickCommand(time) : throw new FormatException("A tick entry names no account."),
            _ => throw new FormatException($"Unknown log entry kind {(byte)kind}."),
        };
        if (!r.AtEnd) throw new FormatException("Trailing bytes after log entry.");
        return command;
    }
}
