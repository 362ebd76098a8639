using Microsoft.Data.Sqlite;

namespace Lockbox.Repository.Sources;

/// <summary>
/// A consistent copy of a live SQLite database, made with SQLite's online backup API into a scratch file (the app may
/// keep writing meanwhile), one self-contained file (no -wal beside it) whose header keeps the source's journal mode
/// (WAL or rollback), so the restored database opens in the mode the app used. Deleted on dispose.
/// </summary>
/// <remarks>
/// The copy is plaintext, so it lives only where the user's own files do: mode 0600 in a folder of mode 0700
/// (<see cref="ScratchFolder"/>), named after the process that made it, and a later backup deletes the copies of
/// processes that no longer run (a crash or a kill between copy and dispose). Why a copy at all: the SQLite bundled
/// with Microsoft.Data.Sqlite (e_sqlite3 3.53) is built without SQLITE_ENABLE_DBPAGE_VTAB, so page images cannot be
/// read through <c>sqlite_dbpage</c> inside one read transaction, and the online backup API writes into a database
/// connection (a file, or memory that would grow with the database), never into a stream.
/// </remarks>
internal sealed class SqliteSnapshot : IDisposable
{
    private static ReadOnlySpan<byte> Header => "SQLite format 3\0"u8;

    private SqliteSnapshot(string path, int pageSize, long length)
    {
        Path = path;
        PageSize = pageSize;
        Length = length;
    }

    public string Path { get; }
    public int PageSize { get; }
    public long Length { get; }

    private const string ScratchFolderName = "lockbox-scratch";
    private const string CopyPrefix = "db-";
    private const UnixFileMode FolderMode = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute;
    private const UnixFileMode CopyMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;

    /// <summary>
    /// The folder that holds scratch copies under <paramref name="parent"/>: created with mode 0700, or, when it exists,
    /// refused if it is a link and set back to 0700 (on Unix). Copies that crashed processes left in it are deleted.
    /// </summary>
    public static string ScratchFolder(string parent)
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

    public static SqliteSnapshot Create(string databasePath, string tempDirectory)
    {
        string full = System.IO.Path.GetFullPath(databasePath);
        CheckIsSqlite(full);
        string folder = ScratchFolder(tempDirectory);
        string copy = System.IO.Path.Combine(folder,
            $"{CopyPrefix}{Environment.ProcessId}-{Locking.LocalProcess.CurrentStartUnixMs()}-{Guid.NewGuid():N}.sqlite");
        int pageSize;
        try
        {
            // Created empty with mode 0600 before SQLite opens it (an empty file is an empty database), so the plaintext
            // copy is never readable by others, whatever the umask; SQLite gives its journal the same mode.
            var create = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write };
            if (!OperatingSystem.IsWindows()) create.UnixCreateMode = CopyMode;
            new FileStream(copy, create).Dispose();
            using (var source = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = full, Mode = SqliteOpenMode.ReadWrite, Pooling = false }.ToString()))
            using (var target = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = copy, Pooling = false }.ToString()))
            {
                source.Open();
                target.Open();
                bool wal;
                using (var mode = source.CreateCommand())
                {
                    mode.CommandText = "PRAGMA journal_mode;";
                    wal = string.Equals(Convert.ToString(mode.ExecuteScalar(), System.Globalization.CultureInfo.InvariantCulture), "wal", StringComparison.OrdinalIgnoreCase);
                }
                using (var fast = target.CreateCommand())
                {
                    // The copy is a scratch file read once and deleted: no journal, no fsync while it is written.
                    fast.CommandText = "PRAGMA journal_mode=OFF; PRAGMA synchronous=OFF;";
                    fast.ExecuteNonQuery();
                }
                source.BackupDatabase(target);
                using (var size = target.CreateCommand())
                {
                    size.CommandText = "PRAGMA page_size;";
                    pageSize = Convert.ToInt32(size.ExecuteScalar(), System.Globalization.CultureInfo.InvariantCulture);
                }
                // The copy keeps the source's journal mode in its header (bytes 18-19), so a restore gives back a WAL
                // database in WAL mode: closing the last connection checkpoints the copy's WAL into it and deletes it,
                // leaving one self-contained file either way.
                using var cmd = target.CreateCommand();
                cmd.CommandText = wal ? "PRAGMA journal_mode=WAL;" : "PRAGMA journal_mode=DELETE;";
                cmd.ExecuteNonQuery();
            }
            foreach (string suffix in new[] { "-wal", "-shm", "-journal" }) File.Delete(copy + suffix);
            return new SqliteSnapshot(copy, pageSize, new FileInfo(copy).Length);
        }
        catch (SqliteException e)
        {
            Delete(copy);
            throw new SourceException($"cannot read the database {full}: {e.Message.Split('\n')[0]}", e);
        }
        catch (IOException e)
        {
            Delete(copy);
            throw new SourceException($"cannot copy the database {full}: {e.Message}", e);
        }
        catch
        {
            Delete(copy);
            throw;
        }
    }

    /// <summary>Refuses a path that is missing, a folder or not an SQLite file (a cheap header check, no copy).</summary>
    public static void CheckIsSqlite(string path)
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

    private static void Delete(string copy)
    {
        foreach (string suffix in new[] { "", "-wal", "-shm", "-journal" })
        {
            try { File.Delete(copy + suffix); }
            catch (IOException) { }
            catch (UnauthorizedAccessException) { }
        }
    }

    public void Dispose() => Delete(Path);
}
