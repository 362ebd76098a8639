using Lockbox.Repository.Storage;
using Lockbox.Storage.Resilience;

namespace Lockbox.Storage.Tests.Faults;

/// <summary>Transient failures injected above each real store are retried away; lasting ones end in one clear line.</summary>
public sealed class RetryTests(EveryStore stores) : IClassFixture<EveryStore>
{
    [Theory]
    [MemberData(nameof(EveryStore.Kinds), MemberType = typeof(EveryStore))]
    public async Task EveryCallSucceedsDespiteThirtyPercentTransientFailures(string kind)
    {
        var faults = new FaultInjectingBlobStore(stores.Create(kind), new FaultPlan { Seed = 5, TransientRate = 0.3 });
        // 16 attempts: six faults in a row at 30% would fail one call in 1,400; sixteen, one in 200 million.
        var store = new ResilientBlobStore(faults, TestServers.FastRetries with { MaxAttempts = 16 });
        var names = Enumerable.Range(0, 60).Select(i => $"data/{i:x2}/{i:x8}").ToArray();

        await Parallel.ForEachAsync(Enumerable.Range(0, names.Length), new ParallelOptions { MaxDegreeOfParallelism = 4 }, async (i, ct) =>
            Assert.True(await store.PutIfAbsentAsync(names[i], SeededSequence.Bytes(i, 2000), ct)));
        for (var i = 0; i < names.Length; i++)
        {
            Assert.Equal(SeededSequence.Bytes(i, 2000), await store.GetAsync(names[i]));
            Assert.Equal(SeededSequence.Bytes(i, 2000)[10..30], await store.GetRangeAsync(names[i], 10, 20));
        }
        var listed = new List<BlobInfo>();
        await foreach (var blob in store.ListAsync("data/"))
        {
            listed.Add(blob);
        }
        Assert.Equal(names.Order(StringComparer.Ordinal), listed.Select(b => b.Name).Order(StringComparer.Ordinal));
        foreach (var name in names.Take(10))
        {
            await store.DeleteAsync(name);
        }

        Assert.True(faults.TransientFaults > 20, $"only {faults.TransientFaults} faults were injected");
        Assert.True(faults.LostAnswers > 0, "no put lost its answer");
        // Every injected fault cost exactly one retry, and nothing else was retried.
        Assert.Equal(faults.TransientFaults, store.Resilience.RetryCount);
    }

    [Fact]
    public async Task AWriteWhoseAnswerWasLostIsReportedAsWritten()
    {
        // The first put is carried out and its answer lost; later calls pass.
        var inner = stores.Create("azure");
        var faults = new FaultInjectingBlobStore(inner, new FaultPlan { TransientRate = 1, LostAnswerShare = 1 });
        var store = new ResilientBlobStore(new PauseAfterFirstCall(faults), TestServers.FastRetries);
        var data = SeededSequence.Bytes(42, 5000);

        var written = await store.PutIfAbsentAsync("snapshots/0001", data);

        Assert.Equal(1, faults.LostAnswers);
        Assert.True(written, "the retry must recognise its own earlier write");
        Assert.Equal(data, await inner.GetAsync("snapshots/0001"));
    }

    [Fact]
    public async Task AnObjectThatExistedBeforeIsStillReportedAsExistingAfterARetry()
    {
        var inner = stores.Create("azure");
        Assert.True(await inner.PutIfAbsentAsync("config", SeededSequence.Bytes(1, 100)));
        var faults = new FaultInjectingBlobStore(inner, new FaultPlan { Seed = 9, TransientRate = 1 });
        var store = new ResilientBlobStore(new PauseAfterFirstCall(faults), TestServers.FastRetries);

        Assert.False(await store.PutIfAbsentAsync("config", SeededSequence.Bytes(2, 100)));
        Assert.Equal(SeededSequence.Bytes(1, 100), await inner.GetAsync("config"));
    }

    [Fact]
    public async Task ALastingFailureGivesUpAfterTheConfiguredAttemptsWithOneLine()
    {
        var faults = new FaultInjectingBlobStore(stores.Create("folder"), new FaultPlan { TransientRate = 1 });
        var store = new ResilientBlobStore(faults, TestServers.FastRetries with { MaxAttempts = 3 });

        var error = await Assert.ThrowsAsync<BlobStoreException>(() => store.GetAsync("config"));

        Assert.IsNotType<TransientBlobStoreException>(error); // an outer layer must not retry again
        Assert.Equal("Injected fault: the download of 'config' failed. (gave up after 3 attempts)", error.Message);
        Assert.Equal(3, faults.TransientFaults);
    }

    [Fact]
    public async Task AMissingObjectIsNotRetried()
    {
        var store = new ResilientBlobStore(stores.Create("s3"), TestServers.FastRetries);
        await Assert.ThrowsAsync<BlobNotFoundException>(() => store.GetAsync("snapshots/none"));
        Assert.Equal(0, store.Resilience.RetryCount);
    }

    /// <summary>Lets the first call meet the fault plan, and pauses it for every later call.</summary>
    private sealed class PauseAfterFirstCall(FaultInjectingBlobStore faults) : IBlobStore
    {
        private int calls;

        public string Description => faults.Description;

        public Task<bool> PutIfAbsentAsync(string name, ReadOnlyMemory<byte> data, CancellationToken cancellationToken = default) =>
            Next().PutIfAbsentAsync(name, data, cancellationToken);

        public Task<byte[]> GetAsync(string name, CancellationToken cancellationToken = default) => Next().GetAsync(name, cancellationToken);

        public Task<byte[]> GetRangeAsync(string name, long offset, int length, CancellationToken cancellationToken = default) =>
            Next().GetRangeAsync(name, offset, length, cancellationToken);

        public IAsyncEnumerable<BlobInfo> ListAsync(string prefix, CancellationToken cancellationToken = default) => Next().ListAsync(prefix, cancellationToken);

        public Task DeleteAsync(string name, CancellationToken cancellationToken = default) => Next().DeleteAsync(name, cancellationToken);

        private FaultInjectingBlobStore Next()
        {
            faults.Paused = Interlocked.Increment(ref calls) > 1;
            return faults;
        }
    }
}
