using Lockbox.Repository.Tests.Support;
using Microsoft.Data.Sqlite;

namespace Lockbox.Repository.Tests;

public sealed class RoundTripTests
{
    [Fact]
    public async Task EmptyDatabaseRestoresAsAValidEmptyDatabase()
    {
        using var f = new Fixture();
        string db = Path.Combine(f.Source, "empty.db");
        using (var c = new SqliteConnection(ChatData.ConnectionString(db))) { c.Open(); ChatData.Exec(c, "PRAGMA user_version=7;"); }
        await using var repo = await f.InitAsync();
        SnapshotSummary s = await repo.BackupAsync(new BackupSource(db, null, "phone"));
        Assert.Equal(1, s.Sequence);
        Assert.Equal("empty.db", s.DatabaseName);
        Assert.Equal(0, s.MediaFiles);

        string target = f.NewFolder("out");
        RestoreResult r = await repo.RestoreAsync("latest", target);
        Assert.Equal(Path.Combine(target, "empty.db"), r.DatabasePath);
        Assert.Equal(await File.ReadAllBytesAsync(Path.Combine(target, "empty.db")), await CopyOf(db));
        Assert.Equal(ChatData.Dump(db), ChatData.Dump(r.DatabasePath));
    }

    [Fact]
    public async Task LargeDatabaseAndMediaComeBackIdentical()
    {
        using var f = new Fixture();
        string db = ChatData.CreateDatabase(f.Source, 120_000);
        byte[] big = ChatData.WriteMedia(f.Media, "Video/VID-0001.mp4", 9 * 1024 * 1024 + 12345, seed: 3);
        byte[] empty = ChatData.WriteMedia(f.Media, "Images/empty.jpg", 0, seed: 4);
        byte[] unicode = ChatData.WriteMedia(f.Media, "Images/фото 🌅 été.jpg", 70_001, seed: 5);
        byte[] exact = ChatData.WriteMedia(f.Media, "Voice/PTT-1.opus", 1 << 20, seed: 6);

        await using var repo = await f.InitAsync();
        SnapshotSummary s = await repo.BackupAsync(new BackupSource(db, f.Media, "phone"));
        Assert.Equal(4, s.MediaFiles);
        Assert.Equal(big.Length + unicode.Length + exact.Length, s.MediaBytes);
        Assert.True(f.Store.Puts("data/") >= 2, "a 9 MiB video and a large database span several packs");

        string target = f.NewFolder("out");
        RestoreResult r = await repo.RestoreAsync(s.Id[..8], target);
        Assert.Equal(4, r.MediaFiles);
        Assert.Equal(ChatData.Dump(db), ChatData.Dump(r.DatabasePath));
        Assert.Equal(big, await File.ReadAllBytesAsync(Path.Combine(target, "media/Video/VID-0001.mp4")));
        Assert.Equal(empty, await File.ReadAllBytesAsync(Path.Combine(target, "media/Images/empty.jpg")));
        Assert.Equal(unicode, await File.ReadAllBytesAsync(Path.Combine(target, "media/Images/фото 🌅 été.jpg")));
        Assert.Equal(exact, await File.ReadAllBytesAsync(Path.Combine(target, "media/Voice/PTT-1.opus")));
        Assert.DoesNotContain(Fixture.FilesIn(target), n => n.Contains("lockbox-partial", StringComparison.Ordinal));
    }

    [Fact]
    public async Task WalDatabaseBeingWrittenDuringBackupRestoresConsistent()
    {
        using var f = new Fixture();
        string db = ChatData.CreateDatabase(f.Source, 30_000);
        await using var repo = await f.InitAsync();
        using var writerConnection = new SqliteConnection(ChatData.ConnectionString(db));
        writerConnection.Open();
        using var stop = new CancellationTokenSource();
        int written = 0;
        Task writer = Task.Run(() =>
        {
            int next = 30_000;
            while (!stop.IsCancellationRequested)
            {
                ChatData.AddMessages(writerConnection, next, 50, seed: 9);
                next += 50;
                Interlocked.Add(ref written, 50);
            }
        });
        SpinWait.SpinUntil(() => Volatile.Read(ref written) > 0);
        SnapshotSummary s = await repo.BackupAsync(new BackupSource(db, null));
        await stop.CancelAsync();
        await writer;

        string target = f.NewFolder("out");
        RestoreResult r = await repo.RestoreAsync(s.Id, target);
        // One self-contained file (checked before anything opens it: the restored database is in WAL mode, like its
        // source, so opening it creates a -wal file).
        Assert.False(File.Exists(r.DatabasePath + "-wal"));
        string dump = ChatData.Dump(r.DatabasePath);   // integrity_check passes: a consistent copy
        using var c = new SqliteConnection(ChatData.ConnectionString(r.DatabasePath));
        c.Open();
        using var cmd = c.CreateCommand();
        cmd.CommandText = "SELECT count(*), max(id) FROM messages";
        using var reader = cmd.ExecuteReader();
        reader.Read();
        long count = reader.GetInt64(0);
        Assert.True(count >= 30_000 && count % 50 == 0, $"whole transactions only, got {count}");
        Assert.Equal(count, reader.GetInt64(1));
        Assert.NotEmpty(dump);
    }

    [Fact]
    public async Task RestoreRefusesToOverwriteAndLeavesExistingFileUntouched()
    {
        using var f = new Fixture();
        string db = ChatData.CreateDatabase(f.Source, 500);
        ChatData.WriteMedia(f.Media, "a.jpg", 1000, 1);
        await using var repo = await f.InitAsync();
        await repo.BackupAsync(new BackupSource(db, f.Media));
        string target = f.NewFolder("out");
        Directory.CreateDirectory(Path.Combine(target, "media"));
        await File.WriteAllTextAsync(Path.Combine(target, "media", "a.jpg"), "mine");

        await Assert.ThrowsAsync<RestoreTargetExistsException>(() => repo.RestoreAsync("latest", target));
        Assert.Equal("mine", await File.ReadAllTextAsync(Path.Combine(target, "media", "a.jpg")));
        Assert.False(File.Exists(Path.Combine(target, "msgstore.db")));

        await repo.RestoreAsync("latest", target, overwrite: true);
        Assert.Equal(ChatData.Dump(db), ChatData.Dump(Path.Combine(target, "msgstore.db")));
        Assert.Equal(1000, new FileInfo(Path.Combine(target, "media", "a.jpg")).Length);
    }

    [Fact]
    public async Task ListShowsSnapshotsInOrderWithTheirFigures()
    {
        using var f = new Fixture();
        string db = ChatData.CreateDatabase(f.Source, 2000);
        await using var repo = await f.InitAsync();
        SnapshotSummary a = await repo.BackupAsync(new BackupSource(db, null, "pixel"));
        SnapshotSummary b = await repo.BackupAsync(new BackupSource(db, null, "pixel"));
        IReadOnlyList<SnapshotSummary> list = await repo.ListSnapshotsAsync();
        Assert.Equal([a.Id, b.Id], list.Select(s => s.Id));
        Assert.Equal([1L, 2L], list.Select(s => s.Sequence));
        Assert.All(list, s => Assert.Equal("pixel", s.Device));
        Assert.Equal(new FileInfo(db).Length, list[0].DatabaseBytes);
        Assert.Matches("^[0-9a-f]{64}$", a.Id);
    }

    private static async Task<byte[]> CopyOf(string db)
    {
        // The engine stores the online-backup copy (journal_mode=DELETE); make the same copy to compare bytes.
        string copy = db + ".copy";
        using (var s = new SqliteConnection(ChatData.ConnectionString(db)))
        using (var t = new SqliteConnection(ChatData.ConnectionString(copy)))
        {
            s.Open(); t.Open(); s.BackupDatabase(t);
            ChatData.Exec(t, "PRAGMA journal_mode=DELETE;");
        }
        return await File.ReadAllBytesAsync(copy);
    }
}
