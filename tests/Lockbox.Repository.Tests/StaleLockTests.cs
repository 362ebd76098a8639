using System.Diagnostics;
using Lockbox.Repository.Format;
using Lockbox.Repository.Format.Config;
using Lockbox.Repository.Locking;
using Lockbox.Repository.Storage;
using Lockbox.Repository.Tests.Support;

namespace Lockbox.Repository.Tests;

/// <summary>
/// Locks left behind (FORMAT.md section 10): a holder on this host that has ended is cleared by the next acquirer with
/// one notice; a live holder, or one on another host, is refused until unlock; unlock removes stale locks and, with
/// remove-all, any lock; a lock written before the process start time existed still reads.
/// </summary>
public sealed class StaleLockTests
{
    private static readonly DateTimeOffset Now = DateTimeOffset.UtcNow;

    /// <summary>Writes <paramref name="record"/> as the repository lock, sealed with the repository's metadata key.</summary>
    private static void PlantLock(Fixture f, byte[] payload)
    {
        using var keys = new RepositoryKeys(f.Key);
        RepositoryConfig config = RepositoryConfig.Decode(keys, File.ReadAllBytes(f.StoredPath("config")), "test");
        keys.BindRepository(config.RepositoryId);
        Directory.CreateDirectory(f.StoredPath("locks"));
        File.WriteAllBytes(f.StoredPath(FormatConstants.LockName), MetadataEnvelope.Seal(keys, FormatConstants.TypeLock, payload));
    }

    private static LockRecord Record(string host, uint pid, long processStart, DateTimeOffset created, string purpose = "backup") =>
        new(Convert.ToHexStringLower(Guid.NewGuid().ToByteArray()), host, pid, created.ToUnixTimeMilliseconds(), purpose, processStart);

    /// <summary>The id of a process that has ended (and been reaped).</summary>
    private static uint EndedProcessId()
    {
        using Process p = Process.Start(new ProcessStartInfo("true") { UseShellExecute = false })!;
        p.WaitForExit();
        return (uint)p.Id;
    }

    private static long OwnStartUnixMs()
    {
        using Process self = Process.GetCurrentProcess();
        return new DateTimeOffset(self.StartTime.ToUniversalTime()).ToUnixTimeMilliseconds();
    }

    [Fact]
    public async Task LockOfAnEndedProcessOnThisHostIsClearedWithOneNotice()
    {
        using var f = new Fixture();
        string db = ChatData.CreateDatabase(f.Source, 300);
        await using var repo = await f.InitAsync();
        PlantLock(f, Record(Environment.MachineName, EndedProcessId(), 1, Now.AddMinutes(-1)).Encode());

        var notices = new List<string>();
        repo.Notice = notices.Add;
        await repo.BackupAsync(new BackupSource(db, null));

        string notice = Assert.Single(notices);
        Assert.StartsWith($"removed a stale lock: backup on {Environment.MachineName} (process ", notice, StringComparison.Ordinal);
        Assert.EndsWith("is no longer running.", notice, StringComparison.Ordinal);
        Assert.Empty(f.StoredFiles("locks/"));
    }

    [Fact]
    public async Task LockWhoseProcessIdNowBelongsToAnotherProcessIsCleared()
    {
        using var f = new Fixture();
        string db = ChatData.CreateDatabase(f.Source, 300);
        await using var repo = await f.InitAsync();
        // This test process runs under that id, but started an hour after the holder did: the id was reused.
        PlantLock(f, Record(Environment.MachineName, (uint)Environment.ProcessId, OwnStartUnixMs() - 3_600_000, Now.AddMinutes(-1)).Encode());

        var notices = new List<string>();
        repo.Notice = notices.Add;
        await repo.BackupAsync(new BackupSource(db, null));
        Assert.Single(notices);
    }

    [Fact]
    public async Task LockOfARunningProcessOnThisHostIsRefusedAndUnlockKeepsIt()
    {
        using var f = new Fixture();
        string db = ChatData.CreateDatabase(f.Source, 300);
        await using var repo = await f.InitAsync();
        PlantLock(f, Record(Environment.MachineName, (uint)Environment.ProcessId, OwnStartUnixMs(), Now).Encode());

        var e = await Assert.ThrowsAsync<RepositoryLockedException>(() => repo.BackupAsync(new BackupSource(db, null)));
        Assert.False(e.IsStale);
        Assert.Equal($"backup on {Environment.MachineName} (process {Environment.ProcessId})", e.Owner);

        UnlockResult kept = await BackupRepository.UnlockAsync(f.Store, f.Key, removeAll: false);
        Assert.Null(kept.Removed);
        Assert.StartsWith($"backup on {Environment.MachineName}", kept.Kept, StringComparison.Ordinal);
        Assert.True(File.Exists(f.StoredPath(FormatConstants.LockName)));
    }

    [Fact]
    public async Task RefreshMarkersAHostileStoreNamesOutOfRangeAreIgnoredAndALockTimeOutOfRangeIsDamage()
    {
        using var f = new Fixture();
        string db = ChatData.CreateDatabase(f.Source, 300);
        await using var repo = await f.InitAsync();
        LockRecord held = Record("phone-of-someone-else", EndedProcessId(), 1, Now);
        PlantLock(f, held.Encode());
        // Refresh markers are plain names in the store's listing: nothing authenticates them.
        Directory.CreateDirectory(f.StoredPath(FormatConstants.LockRefreshPrefix + held.IdHex));
        foreach (string name in new[] { "99999999999999999", "-5", "+12", "1e9" })
            File.WriteAllBytes(f.StoredPath(FormatConstants.LockRefreshPrefix + held.IdHex + "/" + name), []);

        var e = await Assert.ThrowsAsync<RepositoryLockedException>(() => repo.BackupAsync(new BackupSource(db, null)));
        Assert.Equal(held.Describe(), e.Owner);

        // A lock whose own (authenticated) time no date can hold is damage, not a crash.
        PlantLock(f, (held with { CreatedUnixMs = long.MaxValue }).Encode());
        var damaged = await Assert.ThrowsAsync<RepositoryDamagedException>(() => repo.BackupAsync(new BackupSource(db, null)));
        Assert.Contains("lock time out of range", damaged.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task LockOfAnotherHostIsRefusedUntilUnlockRemoveAll()
    {
        using var f = new Fixture();
        string db = ChatData.CreateDatabase(f.Source, 300);
        await using var repo = await f.InitAsync();
        PlantLock(f, Record("phone-of-someone-else", EndedProcessId(), 1, Now).Encode());

        var e = await Assert.ThrowsAsync<RepositoryLockedException>(() => repo.BackupAsync(new BackupSource(db, null)));
        Assert.False(e.IsStale);
        Assert.Equal(new UnlockResult(null, e.Owner + $" since {e.Since:u}", false), await BackupRepository.UnlockAsync(f.Store, f.Key, removeAll: false));

        UnlockResult removed = await BackupRepository.UnlockAsync(f.Store, f.Key, removeAll: true);
        Assert.StartsWith("backup on phone-of-someone-else", removed.Removed, StringComparison.Ordinal);
        Assert.True(removed.RemovedPossiblyRunning);
        Assert.Empty(f.StoredFiles("locks/"));
        await repo.BackupAsync(new BackupSource(db, null));
    }

    [Fact]
    public async Task UnlockRemovesALockOfAnotherHostSilentForThirtyMinutes()
    {
        using var f = new Fixture();
        string db = ChatData.CreateDatabase(f.Source, 300);
        await using var repo = await f.InitAsync();
        PlantLock(f, Record("nas", 4242, 1, Now.AddMinutes(-31), "forget").Encode());

        var e = await Assert.ThrowsAsync<RepositoryLockedException>(() => repo.ForgetAsync(1, prune: false));
        Assert.True(e.IsStale);
        UnlockResult removed = await BackupRepository.UnlockAsync(f.Store, f.Key, removeAll: false);
        Assert.StartsWith("forget on nas (process 4242)", removed.Removed, StringComparison.Ordinal);
        Assert.False(removed.RemovedPossiblyRunning);
        Assert.Equal(new UnlockResult(null, null, false), await BackupRepository.UnlockAsync(f.Store, f.Key, removeAll: false));
    }

    [Fact]
    public async Task LockWrittenBeforeTheStartTimeFieldStillReads()
    {
        using var f = new Fixture();
        string db = ChatData.CreateDatabase(f.Source, 300);
        await using var repo = await f.InitAsync();
        // The payload of locks written before the process start time was added: lock id, host, pid, created, purpose.
        var w = new ByteWriter();
        w.Bytes(new byte[16]);
        w.Str(Environment.MachineName);
        w.U32(EndedProcessId());
        w.I64(Now.ToUnixTimeMilliseconds());
        w.Str("backup");
        LockRecord old = LockRecord.Decode(w.Written);
        Assert.Equal(0, old.ProcessStartUnixMs);
        Assert.Equal("backup", old.Purpose);
        PlantLock(f, w.Written.ToArray());

        // Its holder has ended: without a start time, the process id alone tells.
        var notices = new List<string>();
        repo.Notice = notices.Add;
        await repo.BackupAsync(new BackupSource(db, null));
        Assert.Single(notices);
    }

    [Fact]
    public async Task ACancelledBackupReleasesItsLockOnEveryPath()
    {
        using var f = new Fixture();
        string db = ChatData.CreateDatabase(f.Source, 3_000);
        ChatData.WriteMedia(f.Media, "video.mp4", 20 << 20, seed: 3);
        await using var repo = await f.InitAsync();

        // Cancelled before the lock is taken, right after, and after each of the first pack writes.
        using (var early = new CancellationTokenSource())
        {
            await early.CancelAsync();
            await Assert.ThrowsAnyAsync<OperationCanceledException>(() => repo.BackupAsync(new BackupSource(db, f.Media), ct: early.Token));
            Assert.Empty(f.StoredFiles("locks/"));
        }
        using (var atLock = new CancellationTokenSource())
        {
            // The store takes the lock, and the caller gives up before it hears so.
            var store = new CancelAtLockStore(new FolderBlobStore(f.RepositoryPath), atLock);
            await using BackupRepository same = await BackupRepository.OpenAsync(store, f.Key);
            await Assert.ThrowsAnyAsync<OperationCanceledException>(() => same.BackupAsync(new BackupSource(db, f.Media), ct: atLock.Token));
            Assert.Equal(1, store.LockPuts);
            Assert.Empty(f.StoredFiles("locks/"));
        }
        for (int after = 1; after <= 2; after++)
        {
            using var cts = new CancellationTokenSource();
            f.Store.CancelSource = cts;
            f.Store.CancelAfterPackPuts = after;
            f.Store.ResetCounts();
            await Assert.ThrowsAnyAsync<OperationCanceledException>(() => repo.BackupAsync(new BackupSource(db, f.Media), ct: cts.Token));
            Assert.Empty(f.StoredFiles("locks/"));
        }
        f.Store.CancelSource = null;
        f.Store.CancelAfterPackPuts = -1;
        Assert.True((await repo.VerifyAsync(readData: true)).IsHealthy);
    }

    /// <summary>A real folder store that cancels the caller's token as soon as it has stored the lock, and throws if handed that token.</summary>
    private sealed class CancelAtLockStore(IBlobStore inner, CancellationTokenSource cancel) : IBlobStore
    {
        public int LockPuts { get; private set; }

        public string Description => inner.Description;

        public async Task<bool> PutIfAbsentAsync(string name, ReadOnlyMemory<byte> data, CancellationToken cancellationToken = default)
        {
            bool written = await inner.PutIfAbsentAsync(name, data, cancellationToken);
            if (written && name == FormatConstants.LockName)
            {
                LockPuts++;
                await cancel.CancelAsync();
                // As a cloud SDK does when the token fires while the request completes: the object exists, the call throws.
                cancellationToken.ThrowIfCancellationRequested();
            }
            return written;
        }

        public Task<byte[]> GetAsync(string name, CancellationToken cancellationToken = default) => inner.GetAsync(name, cancellationToken);

        public Task<byte[]> GetRangeAsync(string name, long offset, int length, CancellationToken cancellationToken = default)
            => inner.GetRangeAsync(name, offset, length, cancellationToken);

        public IAsyncEnumerable<BlobInfo> ListAsync(string prefix, CancellationToken cancellationToken = default) => inner.ListAsync(prefix, cancellationToken);

        public Task DeleteAsync(string name, CancellationToken cancellationToken = default) => inner.DeleteAsync(name, cancellationToken);
    }
}
