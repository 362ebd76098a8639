using Lockbox.Cryptography;
using Lockbox.Repository;
using Lockbox.Storage.Resilience;
using Lockbox.Storage.Tests.Faults;

namespace Lockbox.Storage.Tests.EndToEnd;

/// <summary>
/// The backup engine on each store: a full backup, a next-day backup, restores of both, verify and
/// prune; then the same through 10% injected transient failures; then corrupted and truncated
/// reads, which must be reported as damage and never restored.
/// </summary>
public sealed class BackupOnEveryStoreTests(EveryStore stores) : IClassFixture<EveryStore>
{
    [Theory]
    [MemberData(nameof(EveryStore.Kinds), MemberType = typeof(EveryStore))]
    public async Task FullAndNextDayBackupsRestoreVerifyAndPrune(string kind)
    {
        using var chat = new ChatFolder(messages: 3000);
        using var key = BackupKey.Generate();
        var store = stores.Create(kind);

        await using (var repository = await BackupRepository.InitAsync(store, key))
        {
            await repository.BackupAsync(new BackupSource(chat.DatabasePath, chat.MediaPath, "phone"));
        }
        var dayOne = ChatFolder.Dump(chat.DatabasePath);
        var dayOneMedia = ChatFolder.Files(chat.MediaPath);
        chat.NextDay(2);

        await using (var repository = await BackupRepository.OpenAsync(store, key))
        {
            var second = await repository.BackupAsync(new BackupSource(chat.DatabasePath, chat.MediaPath, "phone"));
            Assert.Equal(2, second.Sequence);
            Assert.True(second.BytesAdded < second.BytesStored / 2, $"the next day re-sent {second.BytesAdded} of {second.BytesStored} bytes");

            await AssertRestoresAsync(repository, "latest", ChatFolder.Dump(chat.DatabasePath), ChatFolder.Files(chat.MediaPath), chat);
            var snapshots = await repository.ListSnapshotsAsync();
            await AssertRestoresAsync(repository, snapshots[0].Id, dayOne, dayOneMedia, chat);

            var report = await repository.VerifyAsync(readData: true);
            Assert.True(report.IsHealthy, string.Join("; ", report.Problems));
            Assert.Equal(2, report.Snapshots);

            var forgot = await repository.ForgetAsync(keepLast: 1, prune: true);
            Assert.Equal(1, forgot.SnapshotsRemoved);
            Assert.Equal(1, forgot.SnapshotsKept);
        }

        await using (var reopened = await BackupRepository.OpenAsync(store, key))
        {
            var report = await reopened.VerifyAsync(readData: true);
            Assert.True(report.IsHealthy, string.Join("; ", report.Problems));
            Assert.Equal(1, report.Snapshots);
            await AssertRestoresAsync(reopened, "latest", ChatFolder.Dump(chat.DatabasePath), ChatFolder.Files(chat.MediaPath), chat);
        }
    }

    [Theory]
    [MemberData(nameof(EveryStore.Kinds), MemberType = typeof(EveryStore))]
    public async Task BackupAndRestoreSucceedWithTenPercentTransientFailures(string kind)
    {
        using var chat = new ChatFolder(messages: 2000);
        using var key = BackupKey.Generate();
        var faults = new FaultInjectingBlobStore(stores.Create(kind), new FaultPlan { Seed = 10, TransientRate = 0.10 });
        // 10 attempts: a call fails for good only after ten faults in a row (one in ten billion).
        var store = new ResilientBlobStore(faults, TestServers.FastRetries with { MaxAttempts = 10 });

        await using (var repository = await BackupRepository.InitAsync(store, key))
        {
            await repository.BackupAsync(new BackupSource(chat.DatabasePath, chat.MediaPath, "phone"));
            chat.NextDay(2);
            await repository.BackupAsync(new BackupSource(chat.DatabasePath, chat.MediaPath, "phone"));
        }
        await using (var repository = await BackupRepository.OpenAsync(store, key))
        {
            await AssertRestoresAsync(repository, "latest", ChatFolder.Dump(chat.DatabasePath), ChatFolder.Files(chat.MediaPath), chat);
            var report = await repository.VerifyAsync(readData: true);
            Assert.True(report.IsHealthy, string.Join("; ", report.Problems));
        }

        Assert.True(faults.TransientFaults >= 3, $"only {faults.TransientFaults} faults were injected");
        Assert.Equal(faults.TransientFaults, store.Resilience.RetryCount);
    }

    [Theory]
    [InlineData("s3", true)]
    [InlineData("s3", false)]
    [InlineData("azure", true)]
    [InlineData("azure", false)]
    [InlineData("folder", true)]
    public async Task CorruptOrTruncatedReadsAreReportedAndNeverRestored(string kind, bool corrupt)
    {
        using var chat = new ChatFolder(messages: 1000);
        using var key = BackupKey.Generate();
        var inner = stores.Create(kind);
        await using (var repository = await BackupRepository.InitAsync(inner, key))
        {
            await repository.BackupAsync(new BackupSource(chat.DatabasePath, chat.MediaPath, "phone"));
        }

        var plan = corrupt ? new FaultPlan { Seed = 3, CorruptReadRate = 1 } : new FaultPlan { Seed = 3, TruncateReadRate = 1 };
        var faults = new FaultInjectingBlobStore(inner, plan) { Paused = true };
        await using var damaged = await BackupRepository.OpenAsync(faults, key);
        faults.Paused = false; // the config was read whole; from here every read comes back damaged

        var target = chat.NewTarget();
        try
        {
            var error = await Assert.ThrowsAsync<RepositoryDamagedException>(() => damaged.RestoreAsync("latest", target));
            Assert.DoesNotContain('\n', error.Message);
            Assert.Empty(Directory.EnumerateFiles(target, "*", SearchOption.AllDirectories)); // nothing unauthenticated was written
            Assert.True(faults.CorruptedReads + faults.TruncatedReads > 0);
        }
        finally
        {
            Directory.Delete(target, recursive: true);
        }

        faults.Paused = true;
        var verify = await BackupRepository.OpenAsync(faults, key);
        await using (verify)
        {
            faults.Paused = false;
            var report = await verify.VerifyAsync(readData: true);
            Assert.False(report.IsHealthy, "verify accepted damaged reads");
        }
    }

    private static async Task AssertRestoresAsync(BackupRepository repository, string snapshot, string dump, SortedDictionary<string, byte[]> media, ChatFolder chat)
    {
        var target = chat.NewTarget();
        try
        {
            var restored = await repository.RestoreAsync(snapshot, target);
            Assert.Equal(dump, ChatFolder.Dump(restored.DatabasePath));
            var files = ChatFolder.Files(Path.Combine(target, "media"));
            Assert.Equal(media.Keys, files.Keys);
            foreach (var (name, bytes) in media)
            {
                Assert.True(bytes.AsSpan().SequenceEqual(files[name]), $"media file {name} differs");
            }
        }
        finally
        {
            Directory.Delete(target, recursive: true);
        }
    }
}
