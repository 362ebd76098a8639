using Lockbox.Cryptography;
using Lockbox.Repository.Tests.Support;

namespace Lockbox.Repository.Tests;

public sealed class KeyAndChainTests
{
    [Fact]
    public async Task WrongKeyIsReportedAsWrongKeyAndWritesNothing()
    {
        using var f = new Fixture();
        string db = ChatData.CreateDatabase(f.Source, 1000);
        await using (var repo = await f.InitAsync()) await repo.BackupAsync(new BackupSource(db, null));
        var before = f.StoredFiles().Order(StringComparer.Ordinal).ToList();
        using BackupKey other = BackupKey.Generate();
        var e = await Assert.ThrowsAsync<WrongKeyException>(() => BackupRepository.OpenAsync(f.Store, other));
        Assert.StartsWith("wrong key", e.Message, StringComparison.Ordinal);
        Assert.Equal(before, f.StoredFiles().Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task NotARepositoryAndExistingRepositoryAreClearErrors()
    {
        using var f = new Fixture();
        await Assert.ThrowsAsync<NotARepositoryException>(() => f.OpenAsync());
        await Assert.ThrowsAsync<NotARepositoryException>(() => BackupRepository.ReadHintsAsync(f.Store));
        await (await f.InitAsync()).DisposeAsync();
        Assert.Null(await BackupRepository.ReadHintsAsync(f.Store));
        await Assert.ThrowsAsync<RepositoryExistsException>(() => f.InitAsync());
        await File.WriteAllTextAsync(f.StoredPath("config"), "not a lockbox config at all");
        await Assert.ThrowsAsync<NotARepositoryException>(() => f.OpenAsync());
    }

    [Fact]
    public async Task StoreHidingTheNewestSnapshotIsNoticedByTheDevicesKnownSequence()
    {
        using var f = new Fixture();
        string db = ChatData.CreateDatabase(f.Source, 1000);
        long known;
        string newest;
        await using (var repo = await f.InitAsync())
        {
            await repo.BackupAsync(new BackupSource(db, null));
            SnapshotSummary s2 = await repo.BackupAsync(new BackupSource(db, null));
            known = repo.KnownSequence;
            newest = s2.Id;
        }
        Assert.Equal(2, known);
        f.Store.Hidden.Add("snapshots/" + newest);

        await using var reopened = await f.OpenAsync();
        Assert.Single(await reopened.ListSnapshotsAsync());   // without memory, a rollback of the newest is invisible
        reopened.KnownSequence = known;
        var e = await Assert.ThrowsAsync<RepositoryDamagedException>(() => reopened.RestoreAsync("latest", f.NewFolder("out")));
        Assert.Contains("rolled back", e.Message, StringComparison.Ordinal);
        Assert.Contains((await reopened.VerifyAsync(false)).Problems, p => p.ObjectName == "snapshots/" && p.Problem.Contains("rolled back", StringComparison.Ordinal));
        await Assert.ThrowsAsync<RepositoryDamagedException>(() => reopened.BackupAsync(new BackupSource(db, null)));
    }

    [Fact]
    public async Task StoreHidingAMiddleSnapshotBreaksTheChain()
    {
        using var f = new Fixture();
        string db = ChatData.CreateDatabase(f.Source, 1000);
        await using var repo = await f.InitAsync();
        await repo.BackupAsync(new BackupSource(db, null));
        SnapshotSummary middle = await repo.BackupAsync(new BackupSource(db, null));
        await repo.BackupAsync(new BackupSource(db, null));
        f.Store.Hidden.Add("snapshots/" + middle.Id);
        VerifyReport report = await repo.VerifyAsync(false);
        Assert.Contains(report.Problems, p => p.Problem.Contains("missing", StringComparison.Ordinal));
        await Assert.ThrowsAsync<RepositoryDamagedException>(() => repo.ListSnapshotsAsync());
    }

    [Fact]
    public async Task DroppingTheOldestSnapshotLooksLikeForgetAndIsNotReported()
    {
        // Documented limit (FORMAT.md "Chain and rollback"): the store can drop a prefix of the chain.
        using var f = new Fixture();
        string db = ChatData.CreateDatabase(f.Source, 500);
        await using var repo = await f.InitAsync();
        await repo.BackupAsync(new BackupSource(db, null));
        await repo.BackupAsync(new BackupSource(db, null));
        var list = await repo.ListSnapshotsAsync();
        File.Delete(f.StoredPath("snapshots/" + list[0].Id));
        VerifyReport report = await repo.VerifyAsync(false);
        Assert.True(report.IsHealthy, "dropping the oldest looks like forget: documented as undetectable");
        Assert.Equal(1, report.Snapshots);
    }
}
