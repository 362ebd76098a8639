using Lockbox.Cli.Tests.Support;
using Microsoft.Data.Sqlite;

namespace Lockbox.Cli.Tests.Processes;

/// <summary>
/// A real <c>lockbox backup</c> killed with SIGKILL while it copies the database (issue 12, "no plaintext scratch
/// copy"): the scratch file it leaves is sealed — neither the chats' text nor an SQLite header is in it — and the next
/// backup deletes it.
/// </summary>
public sealed class KilledBackupScratchTests : IDisposable
{
    private const string Marker = "KILLED-COPY-MARKER-51d2";
    private static readonly TimeSpan Limit = TimeSpan.FromMinutes(2);
    private readonly Workspace _w = new();

    public void Dispose() => _w.Dispose();

    [Fact]
    public async Task ABackupKilledDuringTheCopyLeavesOnlyCiphertextAndTheNextBackupRemovesIt()
    {
        if (OperatingSystem.IsWindows()) return;
        string db = _w.PathOf("msgstore.db");
        using (var c = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = db, Pooling = false }.ToString()))
        {
            c.Open();
            using var fill = c.CreateCommand();
            // About 120 MiB of chat text carrying the marker, so the copy takes long enough to be caught in the act.
            fill.CommandText = "PRAGMA journal_mode=WAL; CREATE TABLE messages(id INTEGER PRIMARY KEY, body TEXT); " +
                $"WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 120000) INSERT INTO messages(body) SELECT '{Marker} ' || hex(randomblob(500)) FROM n;";
            fill.ExecuteNonQuery();
        }
        (await _w.RunAsync("init", "--repo", _w.Repository)).AssertSuccess();
        string scratch = Path.Combine(_w.Home, "lockbox-scratch");

        string? left = null;
        using (LockboxProcess run = LockboxProcess.Start(_w.Home, "backup", "--repo", _w.Repository, "--db", db))
        {
            // Stop it (SIGSTOP) once the copy holds a few MiB, look, then kill it (SIGKILL): nothing of the process can tidy up.
            Task<CliResult> exited = run.WaitAsync(Limit);
            DateTime deadline = DateTime.UtcNow + Limit;
            while (left is null)
            {
                Assert.True(DateTime.UtcNow < deadline, "the backup never started its copy");
                Assert.False(exited.IsCompleted, "the backup ended before its copy was caught: give it a larger database");
                string[] copies = Directory.Exists(scratch) ? Directory.GetFiles(scratch, "db-*") : [];
                if (copies.Length == 1 && new FileInfo(copies[0]).Length >= 4 << 20) left = copies[0];
                else Thread.Sleep(1); // polled on this thread: a busy thread pool must not let the copy finish unseen
            }
            run.Signal("STOP");
            run.Signal("KILL");
            await exited;
        }

        Assert.True(File.Exists(left));
        byte[] bytes = File.ReadAllBytes(left);
        Assert.True(bytes.Length >= 4 << 20);
        Assert.True(bytes.AsSpan().IndexOf(System.Text.Encoding.ASCII.GetBytes(Marker)) < 0, "the killed backup's copy holds the chats in the clear");
        Assert.True(bytes.AsSpan().IndexOf("SQLite format 3\0"u8) < 0, "the killed backup's copy holds an SQLite header in the clear");
        Assert.Equal([left], Directory.GetFiles(scratch)); // no journal or -wal beside it either

        (await _w.RunAsync("backup", "--repo", _w.Repository, "--db", db)).AssertSuccess();
        Assert.Empty(Directory.GetFileSystemEntries(scratch));
    }
}
