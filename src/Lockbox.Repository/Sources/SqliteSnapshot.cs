using System.Buffers;
using System.Security.Cryptography;
using Microsoft.Data.Sqlite;
using Microsoft.Win32.SafeHandles;
using SQLitePCL;

namespace Lockbox.Repository.Sources;

/// <summary>
/// A consistent copy of a live SQLite database (the app may keep writing meanwhile), made with SQLite's online backup API
/// and kept <b>sealed</b>: every byte SQLite writes into the copy goes through the <see cref="SealedVfs"/> and reaches
/// the disk encrypted under a random key that exists only in this object (AES-256-GCM per record, SECURITY.md
/// "Sealed scratch copy"). The copy reads back as exactly the bytes the backup API produced: one self-contained
/// database whose header keeps the source's journal mode (bytes 18-19: 2 for WAL, 1 for rollback), so a restored WAL
/// database opens in WAL mode. Deleted, and its key zeroed, on dispose.
/// </summary>
/// <remarks>
/// Why a copy at all: the SQLite bundled with Microsoft.Data.Sqlite (e_sqlite3 3.53) is built without
/// SQLITE_ENABLE_DBPAGE_VTAB, so page images cannot be read through <c>sqlite_dbpage</c> inside one read transaction;
/// the backup API writes only into another database; and a backup reads the changed blocks a second time after the
/// hash pass (the delta phase). The sealed file still lives where the user's own files do (mode 0600 in a 0700
/// folder, <see cref="ScratchFolder"/>), named after the process that made it, and a later backup deletes the copies
/// of processes that no longer run: after a kill its key is gone with the process, so what is left is ciphertext.
/// </remarks>
public sealed class SqliteSnapshot : IDisposable
{
    internal static ReadOnlySpan<byte> Header => "SQLite format 3\0"u8;

    /// <summary>The page size in an SQLite header (bytes 16-17, big-endian; 1 means 65536), not checked.</summary>
    internal static int PageSizeIn(ReadOnlySpan<byte> header)
    {
        int size = (header[16] << 8) | header[17];
        return size == 1 ? 1 << 16 : size;
    }

    private readonly SealedRecords _records;
    private readonly SafeFileHandle _handle;
    private readonly string _databaseName;

    internal SqliteSnapshot(string path, SealedRecords records, long length, SafeFileHandle handle, string databaseName)
    {
        Path = path;
        _records = records;
        _handle = handle;
        _databaseName = databaseName;
        Length = length;
        PageSize = ReadPageSize();
    }

    /// <summary>The sealed file on disk (ciphertext).</summary>
    internal string Path { get; }

    /// <summary>The copy's page size (from its header).</summary>
    public int PageSize { get; }

    /// <summary>The copy's length in bytes (plaintext).</summary>
    public long Length { get; }

    private const string ScratchFolderName = "lockbox-scratch";
    private const string CopyPrefix = "db-";
    private const UnixFileMode FolderMode = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute;
    private const UnixFileMode CopyMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;

    /// <summary>
    /// The folder that holds scratch copies under <paramref name="parent"/>: created with mode 0700, or, when it exists,
    /// refused if it is a link and set back to 0700 (on Unix). Copies that crashed processes left in it are deleted.
    /// </summary>
    internal static string ScratchFolder(string parent)
    {
        string folder = System.IO.Path.Combine(System.IO.Path.GetFullPath(parent), ScratchFolderName);
        try
        {
            if (OperatingSystem.IsWindows()) Directory.CreateDirectory(folder);
            else
            {
                var info = new DirectoryInfo(folder);
                if (info.Exists && info.LinkTarget is not null)
                    throw new SourceException($"the scratch folder {folder} is a link; remove it and back up again");
                Directory.CreateDirectory(folder, FolderMode);
                if (File.GetUnixFileMode(folder) != FolderMode) File.SetUnixFileMode(folder, FolderMode);
            }
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new SourceException($"cannot prepare the scratch folder {folder}: {e.Message}", e);
        }
        RemoveLeftovers(folder);
        return folder;
    }

    /// <summary>Deletes copies (and their journals) made by processes of this host that no longer run.</summary>
    private static void RemoveLeftovers(string folder)
    {
        foreach (string file in Directory.EnumerateFiles(folder, CopyPrefix + "*"))
        {
            string name = System.IO.Path.GetFileName(file);
            int dash = name.IndexOf('-', CopyPrefix.Length);
            int dash2 = dash < 0 ? -1 : name.IndexOf('-', dash + 1);
            if (dash2 < 0 || !uint.TryParse(name.AsSpan(CopyPrefix.Length, dash - CopyPrefix.Length), out uint pid)
                || !long.TryParse(name.AsSpan(dash + 1, dash2 - dash - 1), out long started)) continue;
            if (Locking.LocalProcess.IsRunning(pid, started)) continue;
            try { File.Delete(file); }
            catch (IOException) { }
            catch (UnauthorizedAccessException) { }
        }
    }

    /// <summary>
    /// Copies the database at <paramref name="databasePath"/> (consistently, while an app may write to it) into a sealed
    /// file under <paramref name="tempDirectory"/> (in its 0700 <c>lockbox-scratch</c> folder).
    /// </summary>
    /// <exception cref="SourceException">The database is missing, not SQLite, or cannot be read or copied (one line).</exception>
    public static SqliteSnapshot Create(string databasePath, string tempDirectory) => Create(databasePath, tempDirectory, null);

    /// <param name="recordSize">For tests: the sealed record size (default: the source's page size, so page writes seal whole records).</param>
    internal static SqliteSnapshot Create(string databasePath, string tempDirectory, int? recordSize)
    {
        string full = System.IO.Path.GetFullPath(databasePath);
        CheckIsSqlite(full);
        string copy = NewCopyPath(tempDirectory);
        SealedFile? file = null;
        try
        {
            // Created empty with mode 0600 before SQLite opens it, whatever the umask (the VFS opens only such fresh, empty files).
            CreateCopyFile(copy).Dispose();
            using (var source = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = full, Mode = SqliteOpenMode.ReadWrite, Pooling = false }.ToString()))
            {
                source.Open();
                int sourcePageSize;
                using (var size = source.CreateCommand())
                {
                    size.CommandText = "PRAGMA page_size;";
                    sourcePageSize = Convert.ToInt32(size.ExecuteScalar(), System.Globalization.CultureInfo.InvariantCulture);
                }
                SealedVfs.EnsureRegistered();
                file = new SealedFile(copy, new SealedRecords(recordSize ?? Math.Clamp(sourcePageSize, 512, 1 << 16)));
                SealedVfs.Add(file);
                BackUp(source.Handle!, copy, full);
            }
            if (!file.Closed) throw new InvalidOperationException("SQLite did not close the sealed copy.");
            SafeFileHandle handle = File.OpenHandle(copy, FileMode.Open, FileAccess.Read, FileShare.Read);
            try
            {
                if (RandomAccess.GetLength(handle) != file.Records.SealedOffset(file.Records.RecordsFor(file.Length)))
                    throw Tampered(System.IO.Path.GetFileName(full), "its length is not the one written");
                return new SqliteSnapshot(copy, file.Records, file.Length, handle, System.IO.Path.GetFileName(full));
            }
            catch
            {
                handle.Dispose();
                throw;
            }
        }
        catch (SqliteException e)
        {
            Abandon(copy, file);
            throw new SourceException($"cannot read the database {full}: {e.Message.Split('\n')[0]}", e);
        }
        catch (IOException e)
        {
            Abandon(copy, file);
            throw new SourceException($"cannot copy the database {full}: {e.Message}", e);
        }
        catch
        {
            Abandon(copy, file);
            throw;
        }
        finally
        {
            if (file is not null) SealedVfs.Remove(file);
        }
    }

    /// <summary>
    /// A sealed copy of a database that <paramref name="write"/> produces front to back (a decrypted WhatsApp import), so
    /// its plaintext never reaches the disk; null, with nothing left behind, when <paramref name="write"/> returns false
    /// (say the import did not decrypt). The copy lives under <paramref name="tempDirectory"/> as a backup's does.
    /// </summary>
    /// <param name="databaseName">The database's name, for messages.</param>
    /// <exception cref="SourceException">What was written is not an SQLite database.</exception>
    public static SqliteSnapshot? Seal(string databaseName, string tempDirectory, Func<Stream, bool> write)
    {
        ArgumentNullException.ThrowIfNull(write);
        string copy = NewCopyPath(tempDirectory);
        using var writer = new SealedCopyWriter(copy, CreateCopyFile(copy), databaseName);
        return write(writer) ? writer.Finish() : null;
    }

    private static string NewCopyPath(string tempDirectory) => System.IO.Path.Combine(ScratchFolder(tempDirectory),
        $"{CopyPrefix}{Environment.ProcessId}-{Locking.LocalProcess.CurrentStartUnixMs()}-{Guid.NewGuid():N}.sqlite");

    /// <summary>A fresh, empty copy file of mode 0600 whatever the umask, open for writing.</summary>
    private static SafeFileHandle CreateCopyFile(string copy)
    {
        var create = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write };
        if (!OperatingSystem.IsWindows()) create.UnixCreateMode = CopyMode;
        new FileStream(copy, create).Dispose();
        return File.OpenHandle(copy, FileMode.Open, FileAccess.Write);
    }

    /// <summary>
    /// SQLite's online backup of <paramref name="source"/> into the sealed file at <paramref name="copy"/>, in one step (one
    /// read transaction on the source: a consistent copy while an app writes). The destination has no journal and no
    /// fsync (a scratch file read once and deleted), and nothing else is ever run on it: it is never read through SQLite
    /// again, so a WAL header (bytes 18-19 = 2, copied from a WAL source) never makes SQLite open a WAL beside it.
    /// </summary>
    private static void BackUp(sqlite3 source, string copy, string full)
    {
        int rc = raw.sqlite3_open_v2(copy, out sqlite3 target, raw.SQLITE_OPEN_READWRITE, SealedVfs.Name);
        using (target)
        {
            if (rc != raw.SQLITE_OK) throw Failed(full, "cannot open the sealed copy", target);
            if (raw.sqlite3_exec(target, "PRAGMA journal_mode=OFF; PRAGMA synchronous=OFF;") != raw.SQLITE_OK)
                throw Failed(full, "cannot prepare the sealed copy", target);
            // A rollback-mode writer holding its lock briefly is waited for, as an app's own reader would.
            raw.sqlite3_busy_timeout(source, 10_000);
            using (sqlite3_backup backup = raw.sqlite3_backup_init(target, "main", source, "main"))
            {
                if (backup is null || backup.IsInvalid) throw Failed(full, "cannot start the copy", target);
                rc = raw.sqlite3_backup_step(backup, -1);
                int finished = raw.sqlite3_backup_finish(backup);
                if (rc != raw.SQLITE_DONE || finished != raw.SQLITE_OK) throw Failed(full, "the copy failed", target);
            }
            if (raw.sqlite3_close_v2(target) != raw.SQLITE_OK) throw Failed(full, "cannot close the sealed copy", target);
        }
    }

    private static SourceException Failed(string full, string what, sqlite3? db)
    {
        // A sealed record that did not open while SQLite read the copy back (SealedFile answers SQLITE_IOERR_DATA).
        if (db is not null && !db.IsInvalid && raw.sqlite3_extended_errcode(db) == SealedVfs.SQLITE_IOERR_DATA)
            return Tampered(System.IO.Path.GetFileName(full), "a page SQLite read back does not authenticate");
        string detail = db is null || db.IsInvalid ? "" : ": " + raw.sqlite3_errmsg(db).utf8_to_string().Split('\n')[0];
        return new SourceException($"cannot read the database {full}: {what}{detail}");
    }

    private static SourceException Tampered(string databaseName, string what) =>
        new($"the sealed scratch copy of the database {databaseName} was changed on disk while the backup ran ({what}): the backup stopped and wrote no snapshot");

    private int ReadPageSize()
    {
        if (Length < 100) return 4096;
        Span<byte> head = stackalloc byte[100];
        ReadAt(0, head);
        return PageSizeIn(head);
    }

    /// <summary>A read-only, forward-only stream of the copy's plaintext, read in sealed chunks of about 512 KiB.</summary>
    public Stream OpenRead() => new SealedCopyStream(this);

    /// <summary>
    /// Fills <paramref name="into"/> with the copy's bytes at <paramref name="offset"/> (within <see cref="Length"/>): reads
    /// of the sealed records that cover them, each opened (whole records straight into <paramref name="into"/>).
    /// Safe to call from several threads at once.
    /// </summary>
    /// <exception cref="SourceException">A record does not authenticate, or the file was cut short: it was changed on disk.</exception>
    internal void ReadAt(long offset, Span<byte> into)
    {
        if (into.IsEmpty) return;
        int records = (int)Math.Min(ReadAheadRecords, (into.Length + (long)_records.RecordSize - 1) / _records.RecordSize + 1);
        byte[] sealedBytes = ArrayPool<byte>.Shared.Rent(records * _records.SealedRecordSize);
        try
        {
            ReadAt(offset, into, sealedBytes);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(sealedBytes);
        }
    }

    /// <summary>Sealed records <see cref="ReadAt(long, Span{byte})"/> reads at once at most (a small pooled buffer).</summary>
    private const int ReadAheadRecords = 16;

    /// <summary>Bytes of one sealed record on disk: a <see cref="ReadAt(long, Span{byte}, Span{byte})"/> scratch holds whole ones.</summary>
    internal int SealedRecordSize => _records.SealedRecordSize;

    /// <summary>
    /// As <see cref="ReadAt(long, Span{byte})"/>, reading the sealed records through the caller's
    /// <paramref name="sealedScratch"/> (ciphertext only; at least one sealed record long), as many at a time as it holds:
    /// a reader of the whole copy keeps one scratch instead of renting a buffer per read.
    /// </summary>
    internal void ReadAt(long offset, Span<byte> into, Span<byte> sealedScratch)
    {
        if (into.IsEmpty) return;
        ArgumentOutOfRangeException.ThrowIfNegative(offset);
        if (offset + into.Length > Length) throw new ArgumentOutOfRangeException(nameof(offset), "The read lies beyond the database copy.");
        SealedRecords records = _records;
        int r = records.RecordSize;
        int sr = records.SealedRecordSize;
        int perRead = sealedScratch.Length / sr;
        if (perRead < 1) throw new ArgumentException("The scratch buffer is shorter than a sealed record.", nameof(sealedScratch));
        long first = offset / r;
        int count = (int)((offset + into.Length - 1) / r - first + 1);
        byte[] plain = ArrayPool<byte>.Shared.Rent(r);
        try
        {
            for (int done = 0; done < count;)
            {
                int m = Math.Min(perRead, count - done);
                Span<byte> sealedSpan = sealedScratch[..(m * sr)];
                for (int got = 0; got < sealedSpan.Length;)
                {
                    int n = RandomAccess.Read(_handle, sealedSpan[got..], records.SealedOffset(first + done) + got);
                    if (n == 0) throw Tampered(_databaseName, "it was cut short");
                    got += n;
                }
                for (int k = 0; k < m; k++)
                {
                    long record = first + done + k;
                    long start = record * r;
                    long from = Math.Max(offset, start);
                    long to = Math.Min(offset + into.Length, start + r);
                    ReadOnlySpan<byte> sealedRecord = sealedSpan.Slice(k * sr, sr);
                    bool whole = from == start && to == start + r;
                    Span<byte> target = whole ? into.Slice((int)(from - offset), r) : plain.AsSpan(0, r);
                    if (!records.TryOpen(record, sealedRecord, target))
                        throw Tampered(_databaseName, $"record {record} at byte {start} does not authenticate");
                    if (!whole) plain.AsSpan((int)(from - start), (int)(to - from)).CopyTo(into[(int)(from - offset)..]);
                }
                done += m;
            }
        }
        finally
        {
            CryptographicOperations.ZeroMemory(plain.AsSpan(0, r));
            ArrayPool<byte>.Shared.Return(plain);
        }
    }

    /// <summary>Refuses a path that is missing, a folder or not an SQLite file (a cheap header check, no copy).</summary>
    internal static void CheckIsSqlite(string path)
    {
        if (Directory.Exists(path)) throw new SourceException($"{path} is a folder, not an SQLite database");
        if (!File.Exists(path)) throw new SourceException($"database file {path} does not exist");
        try
        {
            using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
            if (stream.Length == 0) return; // SQLite treats an empty file as an empty database
            Span<byte> head = stackalloc byte[16];
            if (stream.ReadAtLeast(head, 16, throwOnEndOfStream: false) < 16 || !head.SequenceEqual(Header))
                throw new SourceException($"{path} is not an SQLite database");
        }
        catch (UnauthorizedAccessException e)
        {
            throw new SourceException($"cannot read the database {path}: permission denied", e);
        }
        catch (IOException e)
        {
            throw new SourceException($"cannot read the database {path}: {e.Message}", e);
        }
    }

    private static void Abandon(string copy, SealedFile? file)
    {
        file?.Records.Dispose();
        Delete(copy);
    }

    private static void Delete(string copy)
    {
        foreach (string suffix in new[] { "", "-wal", "-shm", "-journal" })
        {
            try { File.Delete(copy + suffix); }
            catch (IOException) { }
            catch (UnauthorizedAccessException) { }
        }
    }

    /// <summary>Zeroes the key and deletes the sealed file.</summary>
    public void Dispose()
    {
        _handle.Dispose();
        _records.Dispose();
        Delete(Path);
    }
}
