using Microsoft.Data.Sqlite;

namespace Lockbox.Repository.Sources;

/// <summary>
/// A consistent copy of a live SQLite database, made with SQLite's online backup API into a temporary
/// file (the app may keep writing meanwhile), switched to journal_mode=DELETE so it is one self-contained file.
/// Deleted on dispose.
/// </summary>
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

    public static SqliteSnapshot Create(string databasePath, string tempDirectory)
    {
        string full = System.IO.Path.GetFullPath(databasePath);
        CheckIsSqlite(full);
        string copy = System.IO.Path.Combine(tempDirectory, $"lockbox-db-{Guid.NewGuid():N}.sqlite");
        try
        {
            using (var source = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = full, Mode = SqliteOpenMode.ReadWrite, Pooling = false }.ToString()))
            using (var target = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = copy, Pooling = false }.ToString()))
            {
                source.Open();
                target.Open();
                using (var fast = target.CreateCommand())
                {
                    // The copy is a scratch file read once and deleted: no journal, no fsync while it is written.
                    fast.CommandText = "PRAGMA journal_mode=OFF; PRAGMA synchronous=OFF;";
                    fast.ExecuteNonQuery();
                }
                source.BackupDatabase(target);
                using var cmd = target.CreateCommand();
                cmd.CommandText = "PRAGMA journal_mode=DELETE;";
                cmd.ExecuteNonQuery();
            }
            int pageSize;
            using (var check = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = copy, Mode = SqliteOpenMode.ReadOnly, Pooling = false }.ToString()))
            {
                check.Open();
                using var cmd = check.CreateCommand();
                cmd.CommandText = "PRAGMA page_size;";
                pageSize = Convert.ToInt32(cmd.ExecuteScalar(), System.Globalization.CultureInfo.InvariantCulture);
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
