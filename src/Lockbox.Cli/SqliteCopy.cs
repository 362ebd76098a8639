using Microsoft.Data.Sqlite;

namespace Lockbox.Cli;

/// <summary>
/// The database a command reads as a whole (<c>whatsapp encrypt</c>): refused unless it starts with SQLite's header;
/// read through SQLite's online backup API into a 0600 scratch copy when a <c>-wal</c> or <c>-journal</c> lies beside
/// it (rows still in the write-ahead log are part of the database, and the app may be writing), and used as it is
/// otherwise, so an untouched file round-trips byte for byte. The copy is deleted on dispose.
/// </summary>
internal sealed class SqliteCopy : IDisposable
{
    private static ReadOnlySpan<byte> Header => "SQLite format 3\0"u8;

    private readonly string? _scratch;

    private SqliteCopy(string path, string? scratch)
    {
        Path = path;
        _scratch = scratch;
    }

    /// <summary>The file to read: the database itself or its consistent copy.</summary>
    public string Path { get; }

    /// <exception cref="CliException">The file is not an SQLite database, or SQLite cannot read it (exit 6).</exception>
    public static SqliteCopy Open(string database, string scratchFolder)
    {
        CheckHeader(database);
        if (!File.Exists(database + "-wal") && !File.Exists(database + "-journal"))
            return new SqliteCopy(database, null);

        if (OperatingSystem.IsWindows()) Directory.CreateDirectory(scratchFolder);
        else Directory.CreateDirectory(scratchFolder, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        string copy = System.IO.Path.Combine(scratchFolder, $"encrypt-{Environment.ProcessId}-{Guid.NewGuid():N}.sqlite");
        try
        {
            var create = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write };
            if (!OperatingSystem.IsWindows()) create.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
            new FileStream(copy, create).Dispose();
            using (var source = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = database, Mode = SqliteOpenMode.ReadWrite, Pooling = false }.ToString()))
            using (var target = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = copy, Pooling = false }.ToString()))
            {
                source.Open();
                target.Open();
                source.BackupDatabase(target);
            }
            // Closing the copy's last connection checkpointed any WAL of its own into it: one self-contained file.
            foreach (string suffix in new[] { "-wal", "-shm", "-journal" }) File.Delete(copy + suffix);
            return new SqliteCopy(copy, copy);
        }
        catch (Exception e) when (e is SqliteException or IOException or UnauthorizedAccessException)
        {
            Delete(copy);
            throw new CliException(ExitCodes.BadSource, $"Cannot read the database {database}: {e.Message.Split('\n')[0]}");
        }
    }

    private static void CheckHeader(string database)
    {
        Span<byte> first = stackalloc byte[16];
        int read;
        try
        {
            using FileStream stream = File.OpenRead(database);
            read = stream.ReadAtLeast(first, first.Length, throwOnEndOfStream: false);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new CliException(ExitCodes.BadSource, $"Cannot read the database {database}: {e.Message}");
        }
        if (read < first.Length || !first.SequenceEqual(Header))
            throw new CliException(ExitCodes.BadSource, $"{database} is not an SQLite database (it does not start with \"SQLite format 3\"): nothing was encrypted.");
    }

    private static void Delete(string path)
    {
        foreach (string suffix in new[] { "", "-wal", "-shm", "-journal" })
        {
            try { File.Delete(path + suffix); }
            catch (IOException) { }
            catch (UnauthorizedAccessException) { }
        }
    }

    public void Dispose()
    {
        if (_scratch is not null) Delete(_scratch);
    }
}
