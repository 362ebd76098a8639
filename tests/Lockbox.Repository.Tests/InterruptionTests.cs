using Lockbox.Repository.Storage;
using Lockbox.Repository.Tests.Support;

namespace Lockbox.Repository.Tests;

public sealed class InterruptionTests
{
    [Fact]
    public async Task CancelledBackupVerifiesAndRerunDoesNotUploadFinishedPacksAgain()
    {
        using var f = new Fixture();
        string db = ChatData.CreateDatabase(f.Source, 20_000);
        for (int i = 0; i < 6; i++) ChatData.WriteMedia(f.Media, $"Video/v{i}.mp4", 5 << 20, seed: 100 + i);

        // Reference: how many packs a whole backup of this data writes.
        using (var reference = new Fixture())
        {
            await using var refRepo = await BackupRepository.InitAsync(reference.Store, reference.Key);
            await refRepo.BackupAsync(new BackupSource(db, f.Media));
            ReferencePacks = reference.Store.Puts("data/");
        }
        Assert.True(ReferencePacks >= 4, $"the data should need several packs, got {ReferencePacks}");

        await using var repo = await f.InitAsync();
        using var cts = new CancellationTokenSource();
        f.Store.CancelSource = cts;
        f.Store.CancelAfterPackPuts = 2;
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => repo.BackupAsync(new BackupSource(db, f.Media), ct: cts.Token));
        int firstRun = f.Store.Puts("data/");
        Assert.InRange(firstRun, 2, ReferencePacks - 1);
        Assert.Empty(f.StoredFiles("snapshots/"));
        Assert.Empty(f.StoredFiles("locks/"));
        Assert.True((await repo.VerifyAsync(readData: true)).IsHealthy);

        f.Store.CancelAfterPackPuts = -1;
        f.Store.ResetCounts();
        SnapshotSummary s = await repo.BackupAsync(new BackupSource(db, f.Media));
        int rerun = f.Store.Puts("data/");
        Assert.True(rerun <= ReferencePacks - firstRun + 1, $"rerun wrote {rerun} packs; {firstRun} of {ReferencePacks} were already stored");
        Assert.True((await repo.VerifyAsync(readData: true)).IsHealthy);
        string target = f.NewFolder("out");
        await repo.RestoreAsync(s.Id, target);
        Assert.Equal(ChatData.Dump(db), ChatData.Dump(Path.Combine(target, "msgstore.db")));
        Assert.Equal(await File.ReadAllBytesAsync(Path.Combine(f.Media, "Video/v5.mp4")), await File.ReadAllBytesAsync(Path.Combine(target, "media/Video/v5.mp4")));
    }

    [Fact]
    public async Task PacksLeftWithoutAnIndexByACrashAreAdoptedNotUploadedAgain()
    {
        using var f = new Fixture();
        string db = ChatData.CreateDatabase(f.Source, 5_000);
        for (int i = 0; i < 3; i++) ChatData.WriteMedia(f.Media, $"v{i}.mp4", 6 << 20, seed: 7 + i);
        await using (var first = await f.InitAsync()) await first.BackupAsync(new BackupSource(db, f.Media));
        // Simulate a crash after the packs were stored but before any index or snapshot was: drop them.
        foreach (string n in f.StoredFiles("index/").Concat(f.StoredFiles("snapshots/")).ToList()) File.Delete(f.StoredPath(n));
        int packs = f.StoredFiles("data/").Count();
        f.Store.ResetCounts();
        await using var repo = await f.OpenAsync();
        await repo.BackupAsync(new BackupSource(db, f.Media));
        Assert.Equal(0, f.Store.Puts("data/"));
        Assert.Equal(packs, f.StoredFiles("data/").Count());
        Assert.True((await repo.VerifyAsync(readData: true)).IsHealthy);
    }

    [Fact]
    public async Task FullDiskIsAOneLineStoreErrorAndTheRepositoryStaysUsable()
    {
        using var f = new Fixture();
        string db = ChatData.CreateDatabase(f.Source, 2_000);
        await using var repo = await f.InitAsync();
        f.Store.FailDataWrites = true;
        var e = await Assert.ThrowsAsync<BlobStoreException>(() => repo.BackupAsync(new BackupSource(db, null)));
        Assert.Contains("full", e.Message, StringComparison.Ordinal);
        Assert.Empty(f.StoredFiles("locks/"));
        f.Store.FailDataWrites = false;
        await repo.BackupAsync(new BackupSource(db, null));
        Assert.True((await repo.VerifyAsync(readData: true)).IsHealthy);
    }

    private int ReferencePacks { get; set; }
}
