using System.Security.Cryptography;
using Lockbox.Repository.Engine;
using Lockbox.Repository.Format;

namespace Lockbox.Repository.Tests;

/// <summary>The backup's set of claimed blobs: each id is claimed by exactly one of the threads racing for it.</summary>
public sealed class ClaimSetTests
{
    [Fact]
    public void EachIdIsClaimedOnceHoweverManyThreadsRaceForIt()
    {
        BlobId[] ids = [.. Enumerable.Range(0, 20_000).Select(i => BlobId.Read(SHA256.HashData(BitConverter.GetBytes(i))))];
        var set = new ClaimSet();
        int won = 0;
        using var start = new Barrier(4);

        Parallel.For(0, 4, new ParallelOptions { MaxDegreeOfParallelism = 4 }, t =>
        {
            start.SignalAndWait();
            int mine = 0;
            // Each thread walks the ids from another starting point, so the races are spread over the whole set.
            for (int k = 0; k < ids.Length; k++)
                if (set.TryAdd(ids[(k + t * 5_000) % ids.Length])) mine++;
            Interlocked.Add(ref won, mine);
        });

        Assert.Equal(ids.Length, won);
        Assert.Equal(ids.Length, set.Count);
        Assert.All(ids, id => Assert.True(set.Contains(id)));
        set.Remove(ids[7]);
        Assert.False(set.Contains(ids[7]));
        Assert.True(set.TryAdd(ids[7]));
        Assert.False(set.Contains(BlobId.Read(SHA256.HashData("never added"u8))));
    }
}
