using Lockbox.Repository.Format;

namespace Lockbox.Repository.Locking;

/// <summary>
/// The payload of <c>locks/lock</c> (FORMAT.md section 10), inside the metadata envelope of type 'L':
/// <c>lock id (16) || host str || process id u32 || created_unix_ms i64 || purpose str [|| process_start_unix_ms i64]</c>.
/// The process start time (absent in locks written before it was added; then 0) tells a running holder from a
/// new process that reuses its id. No I/O.
/// </summary>
internal sealed record LockRecord(string IdHex, string Host, uint ProcessId, long CreatedUnixMs, string Purpose, long ProcessStartUnixMs)
{
    public const int IdSize = 16;

    public byte[] Encode()
    {
        var w = new ByteWriter();
        w.Bytes(Convert.FromHexString(IdHex));
        w.Str(Host);
        w.U32(ProcessId);
        w.I64(CreatedUnixMs);
        w.Str(Purpose);
        w.I64(ProcessStartUnixMs);
        return w.Written.ToArray();
    }

    /// <summary>Decodes an authenticated payload; <see cref="CorruptDataException"/> when it is malformed.</summary>
    public static LockRecord Decode(ReadOnlySpan<byte> payload)
    {
        var r = new ByteReader(payload);
        string id = Convert.ToHexStringLower(r.Bytes(IdSize));
        string host = r.Str();
        uint pid = r.U32();
        long created = r.I64();
        string purpose = r.Str();
        long started = r.Remaining == 0 ? 0 : r.I64();
        r.End();
        if (!IsTime(created) || !IsTime(started)) throw new CorruptDataException("lock time out of range");
        return new LockRecord(id, host, pid, created, purpose, started);
    }

    /// <summary>True for a Unix time in milliseconds that <see cref="DateTimeOffset"/> can hold (0 up to the year 9999).</summary>
    public static bool IsTime(long unixMs) => unixMs >= 0 && unixMs <= DateTimeOffset.MaxValue.ToUnixTimeMilliseconds();

    /// <summary>"backup on HOST (process PID)", for messages.</summary>
    public string Describe() => $"{Purpose} on {Host} (process {ProcessId})";
}
