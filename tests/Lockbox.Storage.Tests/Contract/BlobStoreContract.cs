using Lockbox.Repository.Storage;

namespace Lockbox.Storage.Tests.Contract;

/// <summary>
/// The <see cref="IBlobStore"/> contract, run against every store: each subclass supplies fresh,
/// empty stores. Every test works under its own prefix, so tests of one class share a bucket.
/// </summary>
public abstract partial class BlobStoreContract
{
    private readonly string testPrefix = "t" + Guid.NewGuid().ToString("N")[..12];
    private IBlobStore? store;

    /// <summary>A store rooted at <paramref name="prefix"/> inside this class's bucket, container or folder.</summary>
    protected abstract IBlobStore CreateStore(string prefix);

    /// <summary>
    /// Whether the server makes creation exclusive, so of racing writers exactly one wins.
    /// True for folders and Azure; s3rver ignores If-None-Match (AWS S3 honours it), and racing
    /// writers of different bytes can even leave it with one writer's bytes under another's checksum.
    /// </summary>
    protected virtual bool CreatesExclusively => true;

    /// <summary>
    /// Whether the server makes an object visible only once it is whole. True for folders, S3 and
    /// Azure; s3rver writes objects in place, so a racing reader can get a prefix of one.
    /// </summary>
    protected virtual bool PublishesAtomically => true;

    protected IBlobStore Store => store ??= CreateStore(testPrefix);

    [Fact]
    public async Task PutIfAbsentStoresTheBytesAndRefusesASecondWrite()
    {
        var first = Bytes(1, 3000);
        Assert.True(await Store.PutIfAbsentAsync("data/ab/ab01", first));
        Assert.False(await Store.PutIfAbsentAsync("data/ab/ab01", Bytes(2, 10)));
        Assert.Equal(first, await Store.GetAsync("data/ab/ab01"));
    }

    [Fact]
    public async Task EmptyObjectRoundTrips()
    {
        Assert.True(await Store.PutIfAbsentAsync("locks/empty", ReadOnlyMemory<byte>.Empty));
        Assert.Empty(await Store.GetAsync("locks/empty"));
        Assert.Contains(new BlobInfo("locks/empty", 0), await ListAsync("locks/"));
    }

    [Fact]
    public async Task ReadingAMissingObjectThrowsBlobNotFound()
    {
        var whole = await Assert.ThrowsAsync<BlobNotFoundException>(() => Store.GetAsync("snapshots/missing"));
        Assert.Equal("snapshots/missing", whole.Name);
        var range = await Assert.ThrowsAsync<BlobNotFoundException>(() => Store.GetRangeAsync("data/00/missing", 10, 20));
        Assert.Equal("data/00/missing", range.Name);
        await Assert.ThrowsAsync<BlobNotFoundException>(() => Store.GetRangeAsync("data/00/missing", 0, 0));
    }

    [Fact]
    public async Task RangeReadReturnsExactlyTheRequestedBytes()
    {
        var data = Bytes(3, 1000);
        await Store.PutIfAbsentAsync("data/cd/cd02", data);
        Assert.Equal(data[100..150], await Store.GetRangeAsync("data/cd/cd02", 100, 50));
        Assert.Equal(data, await Store.GetRangeAsync("data/cd/cd02", 0, 1000));
        Assert.Equal(data[999..], await Store.GetRangeAsync("data/cd/cd02", 999, 1));
    }

    [Fact]
    public async Task RangeReadPastTheEndReturnsOnlyWhatExists()
    {
        var data = Bytes(4, 1000);
        await Store.PutIfAbsentAsync("data/ef/ef03", data);
        Assert.Equal(data[990..], await Store.GetRangeAsync("data/ef/ef03", 990, 50));
        Assert.Empty(await Store.GetRangeAsync("data/ef/ef03", 1000, 10));
        Assert.Empty(await Store.GetRangeAsync("data/ef/ef03", 5000, 10));
        Assert.Empty(await Store.GetRangeAsync("data/ef/ef03", 10, 0));
    }

    [Fact]
    public async Task ListPagesPastOneThousandObjects()
    {
        const int count = 1050;
        await Parallel.ForEachAsync(Enumerable.Range(0, count), new ParallelOptions { MaxDegreeOfParallelism = 16 }, async (i, ct) =>
            Assert.True(await Store.PutIfAbsentAsync(PackName(i), Bytes(i, i % 7), ct)));
        for (var i = 0; i < 3; i++)
        {
            await Store.PutIfAbsentAsync($"index/{i:x4}", Bytes(i, 5));
        }

        var packs = await ListAsync("data/");
        Assert.Equal(count, packs.Count);
        Assert.Equal(Enumerable.Range(0, count).Select(i => new BlobInfo(PackName(i), i % 7)).OrderBy(b => b.Name, StringComparer.Ordinal), packs.OrderBy(b => b.Name, StringComparer.Ordinal));
        Assert.Equal(count + 3, (await ListAsync("")).Count);
        Assert.Equal(3, (await ListAsync("index/")).Count);
        Assert.Empty(await ListAsync("keys/"));

        static string PackName(int i) => $"data/{i % 256:x2}/{i:x8}";
    }

    [Fact]
    public async Task DeleteRemovesTheObjectAndDeletingAgainIsNotAnError()
    {
        await Store.PutIfAbsentAsync("snapshots/0001", Bytes(5, 64));
        await Store.DeleteAsync("snapshots/0001");
        await Assert.ThrowsAsync<BlobNotFoundException>(() => Store.GetAsync("snapshots/0001"));
        Assert.Empty(await ListAsync("snapshots/"));
        await Store.DeleteAsync("snapshots/0001");
        await Store.DeleteAsync("snapshots/never-written");
        Assert.True(await Store.PutIfAbsentAsync("snapshots/0001", Bytes(6, 64)));
    }

    [Fact]
    public async Task LargeObjectRoundTripsWholeAndInRanges()
    {
        // Bigger than a 16 MiB pack, and not a whole number of parts.
        var data = Bytes(7, 24 * 1024 * 1024 + 123);
        Assert.True(await Store.PutIfAbsentAsync("data/9a/9a-large", data));
        Assert.Equal(data, await Store.GetAsync("data/9a/9a-large"));
        const int mib = 1024 * 1024;
        Assert.Equal(data[(mib - 10)..(mib + 10)], await Store.GetRangeAsync("data/9a/9a-large", mib - 10, 20));
        Assert.Equal(data[^100..], await Store.GetRangeAsync("data/9a/9a-large", data.Length - 100, 4096));
        Assert.Contains(new BlobInfo("data/9a/9a-large", data.Length), await ListAsync("data/9a/"));
        Assert.False(await Store.PutIfAbsentAsync("data/9a/9a-large", Bytes(8, 4 * mib)));
        Assert.Equal(data, await Store.GetAsync("data/9a/9a-large"));
    }

    [Theory]
    [InlineData(200_000)]        // one request each
    [InlineData(4 * 1024 * 1024)] // in parts or blocks on the cloud stores
    public async Task ConcurrentWritersOfOneNameLeaveOneWholeObject(int size)
    {
        // Where creation is exclusive, racing writers may bring different bytes (a lock, a config).
        // Elsewhere Lockbox relies on content addressing: racing writers of a name bring the same bytes.
        var contents = Enumerable.Range(0, 6).Select(i => Bytes(CreatesExclusively ? 100 + i : 100, size)).ToArray();
        var results = await Task.WhenAll(contents.Select(c => Task.Run(() => Store.PutIfAbsentAsync("config", c))));

        var stored = await Store.GetAsync("config");
        var winner = Array.FindIndex(contents, c => c.AsSpan().SequenceEqual(stored));
        Assert.True(winner >= 0, "the stored object is not any one writer's bytes");
        if (CreatesExclusively)
        {
            Assert.Equal(1, results.Count(r => r));
            Assert.True(results[winner]);
        }
        else
        {
            Assert.Contains(true, results);
        }
    }

    [Fact]
    public async Task EveryRaceOfManyLeavesOneWritersBytesAndWhereCreationIsExclusiveOneCreator()
    {
        // A lock is taken by creating "locks/lock": two writers both told "created" would both believe they hold it.
        // One race rarely shows a check-then-rename window; forty in a row do. Where creation is not exclusive (S3),
        // Lockbox races only content-addressed objects, whose writers bring the same bytes: each race must leave them
        // whole and tell at least one writer it created them.
        for (int round = 0; round < 40; round++)
        {
            string name = $"locks/race-{round}";
            byte[][] contents = [.. Enumerable.Range(0, 6).Select(i => Bytes(CreatesExclusively ? 10 + i : 10, 512))];
            bool[] results = await Task.WhenAll(contents.Select(c => Task.Run(() => Store.PutIfAbsentAsync(name, c))));
            byte[] stored = await Store.GetAsync(name);
            int writer = Array.FindIndex(contents, c => c.AsSpan().SequenceEqual(stored));
            Assert.True(writer >= 0, $"round {round}: the stored object is not any one writer's bytes");
            if (CreatesExclusively)
            {
                Assert.True(results.Count(r => r) == 1, $"round {round}: {results.Count(r => r)} of 6 racing writers were told they created {name}");
                Assert.True(results[writer], $"round {round}: the object stored is not the bytes of the writer told it created them");
            }
            else
            {
                Assert.Contains(true, results);
            }
        }
    }

    [Fact]
    public async Task ReadersNeverSeeAPartlyWrittenObject()
    {
        var data = Bytes(9, 6 * 1024 * 1024 + 7);
        var writer = Task.Run(() => Store.PutIfAbsentAsync("data/77/7701", data));
        while (!writer.IsCompleted)
        {
            try
            {
                var read = await Store.GetAsync("data/77/7701");
                if (PublishesAtomically)
                {
                    Assert.Equal(data, read);
                }
                else
                {
                    Assert.True(data.AsSpan().StartsWith(read), "a racing reader got bytes that are not even a prefix of the object");
                }
            }
            catch (BlobNotFoundException)
            {
                // not there yet: fine
            }
        }
        Assert.True(await writer);
        Assert.Equal(data, await Store.GetAsync("data/77/7701"));
    }

    [Fact]
    public async Task PrefixesKeepRepositoriesApart()
    {
        var other = CreateStore(testPrefix + "-other");
        await Store.PutIfAbsentAsync("config", Bytes(10, 32));
        await Assert.ThrowsAsync<BlobNotFoundException>(() => other.GetAsync("config"));
        Assert.Empty(await ListAsync("", other));
        Assert.True(await other.PutIfAbsentAsync("config", Bytes(11, 32)));
        Assert.Equal(Bytes(10, 32), await Store.GetAsync("config"));
    }

    [Fact]
    public async Task NestedNamesAreListedExactly()
    {
        string[] names = ["config", "keys/k1", "snapshots/2026-11-27T17-00-00-3f9a", "index/ab/cd/ef"];
        foreach (var name in names)
        {
            await Store.PutIfAbsentAsync(name, Bytes(name.Length, name.Length));
        }
        Assert.Equal(names.Select(n => new BlobInfo(n, n.Length)).OrderBy(b => b.Name, StringComparer.Ordinal), (await ListAsync("")).OrderBy(b => b.Name, StringComparer.Ordinal));
        Assert.Equal([new BlobInfo("snapshots/2026-11-27T17-00-00-3f9a", 34)], await ListAsync("snapshots/"));
    }

    protected Task<List<BlobInfo>> ListAsync(string prefix) => ListAsync(prefix, Store);

    protected static async Task<List<BlobInfo>> ListAsync(string prefix, IBlobStore store)
    {
        var list = new List<BlobInfo>();
        await foreach (var blob in store.ListAsync(prefix))
        {
            list.Add(blob);
        }
        return list;
    }

    protected static byte[] Bytes(int seed, int length) => SeededSequence.Bytes(seed, length);
}
