using Lockbox.Repository.Tests.Support;
using Microsoft.Data.Sqlite;

namespace Lockbox.Repository.Tests;

public sealed class LockAndForgetTests
{
    [Fact]
    public async Task ASecondBackupIsRefusedWhileTheRepositoryIsLockedUntilTheLockIsBroken()
    {
        using var f = new Fixture();
        string db = ChatData.CreateDatabase(f.Source, 500);
        await using var repo = await f.InitAsync();
        await repo.BackupAsync(new BackupSource(db, null));
        Assert.Empty(f.StoredFiles("locks/"));

        // Another process crashed while holding the lock: copy a live lock object aside mid-backup.
        using var cts = new CancellationTokenSource();
        byte[]? lockBytes = null;
        var progress = new SyncProgress<BackupProgress>(_ => lockBytes ??= File.ReadAllBytes(f.StoredPath("locks/lock")));
        await repo.BackupAsync(new BackupSource(db, null), progress);
        Assert.NotNull(lockBytes);
        Directory.CreateDirectory(Path.GetDirectoryName(f.StoredPath("locks/lock"))!);
        await File.WriteAllBytesAsync(f.StoredPath("locks/lock"), lockBytes!);

        var e = await Assert.ThrowsAsync<RepositoryLockedException>(() => repo.BackupAsync(new BackupSource(db, null)));
        Assert.Contains("backup on", e.Message, StringComparison.Ordinal);
        Assert.False(e.IsStale);
        await Assert.ThrowsAsync<RepositoryLockedException>(() => repo.ForgetAsync(1, prune: true));

        Assert.True(await BackupRepository.BreakLockAsync(f.Store, f.Key));
        Assert.False(await BackupRepository.BreakLockAsync(f.Store, f.Key));
        SnapshotSummary s = await repo.BackupAsync(new BackupSource(db, null));
        Assert.Equal(3, s.Sequence);
    }

    [Fact]
    public async Task ForgetWithPruneRemovesOldDataAndKeepsTheLatestRestorable()
    {
        using var f = new Fixture();
        string db = ChatData.CreateDatabase(f.Source, 20_000);
        ChatData.WriteMedia(f.Media, "old.mp4", 3 << 20, seed: 1);
        await using var repo = await f.InitAsync();
        await repo.BackupAsync(new BackupSource(db, f.Media));
        File.Delete(Path.Combine(f.Media, "old.mp4"));
        byte[] kept = ChatData.WriteMedia(f.Media, "new.jpg", 500_000, seed: 2);
        using (var c = new SqliteConnection(ChatData.ConnectionString(db)))
        {
            c.Open();
            ChatData.Exec(c, "DELETE FROM messages WHERE id % 2 = 0; VACUUM;");
        }
        await repo.BackupAsync(new BackupSource(db, f.Media));
        SnapshotSummary last = await repo.BackupAsync(new BackupSource(db, f.Media));
        long before = f.StoredFiles("data/").Sum(n => new FileInfo(f.StoredPath(n)).Length);

        ForgetResult r = await repo.ForgetAsync(keepLast: 1, prune: true);
        Assert.Equal(2, r.SnapshotsRemoved);
        Assert.Equal(1, r.SnapshotsKept);
        Assert.True(r.PacksDeleted >= 1);
        long after = f.StoredFiles("data/").Sum(n => new FileInfo(f.StoredPath(n)).Length);
        Assert.True(after < before - (3 << 20), $"the forgotten video should be gone: {before} -> {after}");
        Assert.Empty(f.StoredFiles("locks/"));

        Assert.True((await repo.VerifyAsync(readData: true)).IsHealthy);
        await using var reopened = await f.OpenAsync();
        Assert.True((await reopened.VerifyAsync(readData: true)).IsHealthy);
        Assert.Equal([last.Id], (await reopened.ListSnapshotsAsync()).Select(s => s.Id));
        string target = f.NewFolder("out");
        await reopened.RestoreAsync("latest", target);
        Assert.Equal(ChatData.Dump(db), ChatData.Dump(Path.Combine(target, "msgstore.db")));
        Assert.Equal(kept, await File.ReadAllBytesAsync(Path.Combine(target, "media", "new.jpg")));
        Assert.False(File.Exists(Path.Combine(target, "media", "old.mp4")));

        SnapshotSummary next = await reopened.BackupAsync(new BackupSource(db, f.Media));
        Assert.Equal(last.Sequence + 1, next.Sequence);
    }

    [Fact]
    public async Task BadSourcesAreOneLineSourceErrors()
    {
        using var f = new Fixture();
        await using var repo = await f.InitAsync();
        string notSqlite = Path.Combine(f.Source, "notes.txt");
        await File.WriteAllTextAsync(notSqlite, "this is not a database, just some text that is long enough");
        var e1 = await Assert.ThrowsAsync<SourceException>(() => repo.BackupAsync(new BackupSource(notSqlite, null)));
        Assert.Contains("not an SQLite database", e1.Message, StringComparison.Ordinal);
        var e2 = await Assert.ThrowsAsync<SourceException>(() => repo.BackupAsync(new BackupSource(Path.Combine(f.Source, "missing.db"), null)));
        Assert.Contains("does not exist", e2.Message, StringComparison.Ordinal);
        string db = ChatData.CreateDatabase(f.Source, 10);
        var e3 = await Assert.ThrowsAsync<SourceException>(() => repo.BackupAsync(new BackupSource(db, Path.Combine(f.Source, "no-media"))));
        Assert.Contains("does not exist", e3.Message, StringComparison.Ordinal);
        foreach (var e in new Exception[] { e1, e2, e3 }) Assert.DoesNotContain('\n', e.Message);
        Assert.Empty(f.StoredFiles("snapshots/"));
        Assert.Empty(f.StoredFiles("locks/"));
    }

    [Fact]
    public async Task SnapshotCanBeChosenByUniquePrefixAndUnknownOnesAreReported()
    {
        using var f = new Fixture();
        string db = ChatData.CreateDatabase(f.Source, 50);
        await using var repo = await f.InitAsync();
        await Assert.ThrowsAsync<SnapshotNotFoundException>(() => repo.RestoreAsync("latest", f.NewFolder("o0")));
        SnapshotSummary s = await repo.BackupAsync(new BackupSource(db, null));
        await Assert.ThrowsAsync<SnapshotNotFoundException>(() => repo.RestoreAsync("zz", f.NewFolder("o1")));
        RestoreResult r = await repo.RestoreAsync(s.Id[..6].ToUpperInvariant(), f.NewFolder("o2"));
        Assert.Equal(s.Id, r.SnapshotId);
    }

    /// <summary>IProgress that runs inline (Progress&lt;T&gt; posts to the thread pool, too late to observe the lock).</summary>
    private sealed class SyncProgress<T>(Action<T> action) : IProgress<T>
    {
        public void Report(T value) => action(value);
    }
}
