using Lockbox.Cli.Tests.Support;
using Microsoft.Data.Sqlite;

namespace Lockbox.Cli.Tests;

/// <summary>
/// <c>lockbox whatsapp encrypt</c> of a live database reads it through the SDK's sealed consistent copy (SECURITY.md
/// §5a) in LOCKBOX_HOME's <c>lockbox-scratch</c>: the rows still in the -wal are encrypted, nothing plaintext is left
/// behind, and the copies that killed processes left there are swept.
/// </summary>
public sealed class WhatsAppEncryptScratchTests : IDisposable
{
    private const string Digits = "6730a595a1484d0c39c101dc0ac82ec5e401bb6f0e1b8ee2dc104a6b3687f017";

    private readonly Workspace _w = new();

    public void Dispose() => _w.Dispose();

    private static void Exec(SqliteConnection c, string sql)
    {
        using var command = c.CreateCommand();
        command.CommandText = sql;
        command.ExecuteNonQuery();
    }

    [Fact]
    public async Task EncryptOfALiveDatabaseRoundTripsThroughTheSealedCopyAndLeavesNothingBehind()
    {
        string db = _w.PathOf("msgstore.db");
        using var app = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = db, Pooling = false }.ToString());
        app.Open();
        Exec(app, "PRAGMA journal_mode=WAL; PRAGMA wal_autocheckpoint=0; CREATE TABLE messages(id INTEGER PRIMARY KEY, text TEXT);");
        Exec(app, "PRAGMA wal_checkpoint(TRUNCATE);");
        for (int i = 1; i <= 300; i++) Exec(app, $"INSERT INTO messages(text) VALUES ('message {i}');");
        Assert.True(new FileInfo(db + "-wal").Length > 0, "the last rows must be only in the -wal file");
        // What a `whatsapp encrypt` killed with -9 before issue 12's sealed copy would have left: a copy of a process that has ended.
        string scratch = Path.Combine(_w.Home, "lockbox-scratch");
        Directory.CreateDirectory(scratch);
        string dead = Path.Combine(scratch, "db-4194305-1700000000000-0123456789abcdef0123456789abcdef.sqlite");
        File.WriteAllText(dead, "SQLite format 3 plaintext chats");

        CliResult encrypt = await _w.RunAsync("whatsapp", "encrypt", db, "--key", Digits, "--out", _w.PathOf("msgstore.db.crypt15"));

        encrypt.AssertSuccess();
        Assert.Empty(Directory.GetFileSystemEntries(scratch)); // its own sealed copy is deleted, the dead one swept
        Assert.False(Directory.Exists(Path.Combine(_w.Home, "scratch")));
        (await _w.RunAsync("whatsapp", "decrypt", _w.PathOf("msgstore.db.crypt15"), "--key", Digits, "--out", _w.PathOf("back.db"))).AssertSuccess();
        byte[] header = new byte[20];
        using (FileStream back = File.OpenRead(_w.PathOf("back.db"))) back.ReadExactly(header);
        Assert.Equal(2, header[18]); // the WAL database comes back in WAL mode
        using var restored = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = _w.PathOf("back.db"), Mode = SqliteOpenMode.ReadOnly, Pooling = false }.ToString());
        restored.Open();
        using var count = restored.CreateCommand();
        count.CommandText = "SELECT COUNT(*) FROM messages; ";
        Assert.Equal(300L, count.ExecuteScalar());
        count.CommandText = "PRAGMA integrity_check;";
        Assert.Equal("ok", count.ExecuteScalar());
    }

    [Fact]
    public async Task AnUntouchedDatabaseIsEncryptedAsItIsWithoutACopy()
    {
        string db = _w.PathOf("plain.db");
        using (var c = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = db, Pooling = false }.ToString()))
        {
            c.Open();
            Exec(c, "CREATE TABLE messages(id INTEGER PRIMARY KEY, text TEXT); INSERT INTO messages(text) VALUES ('hello');");
        }

        (await _w.RunAsync("whatsapp", "encrypt", db, "--key", Digits, "--out", _w.PathOf("plain.crypt15"))).AssertSuccess();
        (await _w.RunAsync("whatsapp", "decrypt", _w.PathOf("plain.crypt15"), "--key", Digits, "--out", _w.PathOf("back.db"))).AssertSuccess();

        Assert.Equal(File.ReadAllBytes(db), File.ReadAllBytes(_w.PathOf("back.db")));
        Assert.False(Directory.Exists(Path.Combine(_w.Home, "lockbox-scratch")));
    }
}
