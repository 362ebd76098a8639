using Lockbox.WhatsApp;
using Microsoft.Data.Sqlite;

namespace Lockbox.WhatsApp.Tests;

/// <summary>
/// <c>lockbox whatsapp encrypt</c> on a database an app has open in WAL mode: the rows that are still only in the -wal
/// file are in the backup; a file that is not SQLite is refused with one line.
/// </summary>
public sealed class EncryptLiveDatabaseTests : IDisposable
{
    private readonly string _root = Directory.CreateTempSubdirectory("lockbox-wa-live-").FullName;

    public void Dispose() => Directory.Delete(_root, recursive: true);

    private string PathOf(string name) => Path.Combine(_root, name);

    [Fact]
    public async Task RowsStillInTheWriteAheadLogAreEncrypted()
    {
        string db = PathOf("msgstore.db");
        using var app = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = db, Pooling = false }.ToString());
        app.Open();
        Execute(app, "PRAGMA journal_mode=WAL; PRAGMA wal_autocheckpoint=0; CREATE TABLE messages(id INTEGER PRIMARY KEY, text TEXT);");
        Execute(app, "PRAGMA wal_checkpoint(TRUNCATE);");
        for (int i = 1; i <= 200; i++) Execute(app, $"INSERT INTO messages(text) VALUES ('message {i}');");
        Assert.True(new FileInfo(db + "-wal").Length > 0, "the last rows must be only in the -wal file");

        LockboxProcess.Result encrypt = await LockboxProcess.RunAsync(PathOf("home"), "whatsapp", "encrypt", db, "--key", Fixtures.KeyDigits, "--out", PathOf("msgstore.db.crypt15"));
        encrypt.AssertSuccess();
        (await LockboxProcess.RunAsync(PathOf("home"), "whatsapp", "decrypt", PathOf("msgstore.db.crypt15"), "--key", Fixtures.KeyDigits, "--out", PathOf("back.db"))).AssertSuccess();

        using var back = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = PathOf("back.db"), Mode = SqliteOpenMode.ReadOnly, Pooling = false }.ToString());
        back.Open();
        using var count = back.CreateCommand();
        count.CommandText = "SELECT COUNT(*), MAX(text) FROM messages WHERE text = 'message 200' OR id <= 200;";
        using var reader = count.ExecuteReader();
        Assert.True(reader.Read());
        Assert.Equal(200, reader.GetInt64(0));
        Assert.Empty(Directory.Exists(PathOf("home/scratch")) ? Directory.GetFiles(PathOf("home/scratch")) : []); // the plaintext copy is gone
    }

    [Fact]
    public async Task AFileThatIsNotSqliteIsRefused()
    {
        string notes = PathOf("notes.txt");
        File.WriteAllText(notes, "not a database, just notes\n");

        LockboxProcess.Result result = await LockboxProcess.RunAsync(PathOf("home"), "whatsapp", "encrypt", notes, "--key", Fixtures.KeyDigits, "--out", PathOf("notes.crypt15"));

        result.AssertOneLineFailure(6, $"{notes} is not an SQLite database (it does not start with \"SQLite format 3\"): nothing was encrypted.");
        Assert.False(File.Exists(PathOf("notes.crypt15")));
    }

    private static void Execute(SqliteConnection connection, string sql)
    {
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        command.ExecuteNonQuery();
    }
}
