using Lockbox.Vault.Cluster;
using System.Buffers.Binary;
using Lockbox.Vault.Core;
using Lockbox.Vault.Core.Hsm;

namespace Lockbox.Vault.Server.Storage;

/// <summary>
/// The durable half of the state machine: a snapshot plus an append-only log of the commands applied
/// since, every entry sealed by the HSM (docs/VAULT-API.md, "State on disk").
/// <code>
/// state/snapshot = "LBXSNAP1" || seq (u64) || HSM-Seal(state, aad = "lockbox/v1/vault-snapshot" || seq)
/// state/log      = "LBXLOG01" || first_seq (u64) || entries
/// entry          = len (u32) || HSM-Seal(command, aad = "lockbox/v1/vault-log" || seq)
/// </code>
/// An entry is written and fsynced before its effect is released (MUST). On open, a torn last entry
/// (a crash mid-append) is cut off; any entry or snapshot that fails authentication stops the vault.
/// Not thread-safe: the node's single writer calls it.
/// </summary>
internal sealed class CommandLog : IDisposable
{
    private static ReadOnlySpan<byte> SnapshotMagic => "LBXSNAP1"u8;
    private static ReadOnlySpan<byte> LogMagic => "LBXLOG01"u8;
    private static ReadOnlySpan<byte> SnapshotLabel => "lockbox/v1/vault-snapshot"u8;
    private static ReadOnlySpan<byte> EntryLabel => "lockbox/v1/vault-log"u8;
    private const int HeaderSize = 16;
    private const int MaxEntrySize = 1 << 20;

    private readonly IHsm _hsm;
    private readonly string _dir;
    private FileStream _log;

    private CommandLog(IHsm hsm, string dir, FileStream log, long lastSeq, int entriesSinceSnapshot)
    {
        _hsm = hsm;
        _dir = dir;
        _log = log;
        LastSeq = lastSeq;
        EntriesSinceSnapshot = entriesSinceSnapshot;
    }

    /// <summary>Sequence number of the last durable entry (0 when nothing was ever written).</summary>
    public long LastSeq { get; private set; }

    public int EntriesSinceSnapshot { get; private set; }

    private static string SnapshotPath(string dir) => Path.Combine(dir, "snapshot");
    private static string LogPath(string dir) => Path.Combine(dir, "log");

    /// <summary>Opens (or creates) the state in <paramref name="dir"/>; returns the snapshot bytes (or null) and the entries after it, in order.</summary>
    public static CommandLog Open(IHsm hsm, string dir, out byte[]? snapshot, out List<byte[]> entries)
    {
        Directory.CreateDirectory(dir);
        if (!File.Exists(LogPath(dir)))
        {
            long baseSeq = File.Exists(SnapshotPath(dir)) ? Read(hsm, dir, out _, out _, out _) : 0;
            WriteEmptyLog(LogPath(dir), baseSeq + 1);
        }
        long seq = Read(hsm, dir, out snapshot, out entries, out int validLength);
        var stream = new FileStream(LogPath(dir), FileMode.Open, FileAccess.Write, FileShare.Read);
        if (validLength < stream.Length)
        {
            stream.SetLength(validLength); // drop the torn tail of a crash mid-append
            stream.Flush(flushToDisk: true);
        }
        stream.Seek(0, SeekOrigin.End);
        return new CommandLog(hsm, dir, stream, seq, entries.Count);
    }

    /// <summary>
    /// Reads and authenticates the snapshot and the log without changing anything; returns the last
    /// sequence number, and how many bytes of the log are whole entries.
    /// </summary>
    public static long Read(IHsm hsm, string dir, out byte[]? snapshot, out List<byte[]> entries, out int validLength)
    {
        snapshot = null;
        long snapshotSeq = 0;
        if (File.Exists(SnapshotPath(dir)))
        {
            byte[] file = File.ReadAllBytes(SnapshotPath(dir));
            if (file.Length < HeaderSize || !file.AsSpan(0, 8).SequenceEqual(SnapshotMagic))
                throw new VaultConfigurationException($"Vault state {SnapshotPath(dir)} is not a Lockbox snapshot.");
            snapshotSeq = BinaryPrimitives.ReadInt64BigEndian(file.AsSpan(8));
            snapshot = hsm.Open(file.AsSpan(HeaderSize), Aad(SnapshotLabel, snapshotSeq))
                ?? throw new VaultConfigurationException($"Vault state {SnapshotPath(dir)} failed authentication: tampered, or sealed by another HSM.");
        }

        entries = [];
        long seq = snapshotSeq;
        string logPath = LogPath(dir);
        validLength = 0;
        if (!File.Exists(logPath)) return seq;
        byte[] log = File.ReadAllBytes(logPath);
        if (log.Length < HeaderSize || !log.AsSpan(0, 8).SequenceEqual(LogMagic))
            throw new VaultConfigurationException($"Vault state {logPath} is not a Lockbox command log.");
        long firstSeq = BinaryPrimitives.ReadInt64BigEndian(log.AsSpan(8));
        if (firstSeq > snapshotSeq + 1)
            throw new VaultConfigurationException($"Vault state {logPath} starts at entry {firstSeq} but the snapshot ends at {snapshotSeq}: entries are missing.");

        int offset = HeaderSize;
        long entrySeq = firstSeq;
        while (offset < log.Length)
        {
            if (log.Length - offset < 4) break; // torn length prefix
            int length = BinaryPrimitives.ReadInt32BigEndian(log.AsSpan(offset));
            if (length <= 0 || length > MaxEntrySize || length > log.Length - offset - 4) break; // torn entry
            byte[]? entry = hsm.Open(log.AsSpan(offset + 4, length), Aad(EntryLabel, entrySeq))
                ?? throw new VaultConfigurationException($"Vault state {logPath}: entry {entrySeq} failed authentication: tampered, reordered, or sealed by another HSM.");
            if (entrySeq > snapshotSeq)
            {
                entries.Add(entry);
                seq = entrySeq;
            }
            offset += 4 + length;
            entrySeq++;
        }
        validLength = offset;
        return seq;
    }

    /// <summary>Seals, appends and fsyncs one entry; returns its sequence number.</summary>
    public long Append(ReadOnlySpan<byte> command)
    {
        long seq = LastSeq + 1;
        byte[] sealedEntry = _hsm.Seal(command, Aad(EntryLabel, seq));
        byte[] record = new byte[4 + sealedEntry.Length];
        BinaryPrimitives.WriteInt32BigEndian(record, sealedEntry.Length);
        sealedEntry.CopyTo(record, 4);
        _log.Write(record);
        _log.Flush(flushToDisk: true);
        LastSeq = seq;
        EntriesSinceSnapshot++;
        return seq;
    }

    /// <summary>Writes a snapshot of the state after <see cref="LastSeq"/>, then starts an empty log after it.</summary>
    public void Compact(ReadOnlySpan<byte> state)
    {
        long seq = LastSeq;
        byte[] sealedState = _hsm.Seal(state, Aad(SnapshotLabel, seq));
        byte[] file = new byte[HeaderSize + sealedState.Length];
        SnapshotMagic.CopyTo(file);
        BinaryPrimitives.WriteInt64BigEndian(file.AsSpan(8), seq);
        sealedState.CopyTo(file, HeaderSize);
        ReplaceDurably(SnapshotPath(_dir), file);

        _log.Dispose();
        WriteEmptyLog(LogPath(_dir), seq + 1);
        _log = new FileStream(LogPath(_dir), FileMode.Open, FileAccess.Write, FileShare.Read);
        _log.Seek(0, SeekOrigin.End);
        EntriesSinceSnapshot = 0;
    }

    private static void WriteEmptyLog(string path, long firstSeq)
    {
        byte[] header = new byte[HeaderSize];
        LogMagic.CopyTo(header);
        BinaryPrimitives.WriteInt64BigEndian(header.AsSpan(8), firstSeq);
        ReplaceDurably(path, header);
    }

    /// <summary>Write to a temporary file, fsync, rename over the target, fsync the directory.</summary>
    private static void ReplaceDurably(string path, byte[] content)
    {
        string temp = path + ".tmp";
        var options = new FileStreamOptions { Mode = FileMode.Create, Access = FileAccess.Write };
        if (!OperatingSystem.IsWindows()) options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
        using (var stream = new FileStream(temp, options))
        {
            stream.Write(content);
            stream.Flush(flushToDisk: true);
        }
        File.Move(temp, path, overwrite: true);
        DirectorySync.Flush(Path.GetDirectoryName(path)!);
    }

    private static byte[] Aad(ReadOnlySpan<byte> label, long seq)
    {
        byte[] aad = new byte[label.Length + 8];
        label.CopyTo(aad);
        BinaryPrimitives.WriteInt64BigEndian(aad.AsSpan(label.Length), seq);
        return aad;
    }

    public void Dispose() => _log.Dispose();
}
