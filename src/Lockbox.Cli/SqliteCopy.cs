using Lockbox.Repository.Sources;

namespace Lockbox.Cli;

/// <summary>
/// The database a command reads as a whole (<c>whatsapp encrypt</c>): refused unless it starts with SQLite's header;
/// read through the SDK's sealed consistent copy (<see cref="SqliteSnapshot"/>: SQLite's online backup API into an
/// encrypted scratch file in the device folder's <c>lockbox-scratch</c>, the same copy a backup makes) when a <c>-wal</c>
/// or <c>-journal</c> lies beside it (rows still in the write-ahead log are part of the database, and the app may be
/// writing), and read as it is otherwise, so an untouched file round-trips byte for byte. No plaintext copy is written:
/// after a kill the scratch file is ciphertext whose key died with the process, and the next copy deletes it.
/// </summary>
internal sealed class SqliteCopy : IDisposable
{
    private static ReadOnlySpan<byte> Header => "SQLite format 3\0"u8;

    private readonly string _database;
    private readonly SqliteSnapshot? _snapshot;

    private SqliteCopy(string database, SqliteSnapshot? snapshot)
    {
        _database = database;
        _snapshot = snapshot;
    }

    /// <summary>The database's bytes: its consistent copy, or the file itself when nothing else may be writing to it.</summary>
    public Stream OpenRead() => _snapshot?.OpenRead() ?? File.OpenRead(_database);

    /// <exception cref="CliException">The file is not an SQLite database (exit 6).</exception>
    /// <exception cref="Repository.SourceException">SQLite cannot read or copy it (exit 6, one line).</exception>
    public static SqliteCopy Open(string database, string stateFolder)
    {
        CheckHeader(database);
        if (!File.Exists(database + "-wal") && !File.Exists(database + "-journal"))
            return new SqliteCopy(database, null);
        return new SqliteCopy(database, SqliteSnapshot.Create(database, stateFolder));
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

    public void Dispose() => _snapshot?.Dispose();
}
