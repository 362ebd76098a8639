using Lockbox.Storage.Resilience;

namespace Lockbox.Storage.Tests.Resilience;

/// <summary>
/// The bandwidth limit is System.Threading.RateLimiting's token bucket of bytes. It takes no TimeProvider, and a refill by
/// hand adds the line time that really passed since the last one; so these tests turn its timer off and refill by hand
/// after waiting longer than a refill period (<see cref="RefillAsync"/>), which fills the bucket exactly once (it is
/// capped at its size). They assert what waits and what goes through, never how long anything took.
/// </summary>
public sealed class BandwidthLimiterTests
{
    private const int Mib = 1024 * 1024;
    private const int Tenth = Mib / 10; // the bucket at 1 MiB/s
    private static readonly TimeSpan Bound = TimeSpan.FromMinutes(1);

    [Fact]
    public void TheBucketHoldsATenthOfASecondOfTheRate()
    {
        using var bucket = new BandwidthBucket(Mib, autoReplenishment: false);
        Assert.Equal(Tenth, bucket.Size);
        using var slow = new BandwidthBucket(5, autoReplenishment: false);
        Assert.Equal(5, slow.Size); // under 10 B/s: a second's worth, refilled every second
    }

    [Fact]
    public async Task ATransferTakesOneRefillPerBucketfulOnceTheBucketIsEmpty()
    {
        using var bucket = new BandwidthBucket(Mib, autoReplenishment: false);
        Assert.True(bucket.AcquireAsync(Tenth, CancellationToken.None).IsCompletedSuccessfully); // a full bucket lets a tenth through

        var transfer = bucket.AcquireAsync(3 * Tenth, CancellationToken.None);
        for (var refill = 0; refill < 3; refill++)
        {
            await WaitingBecomesAsync(bucket, Tenth);
            Assert.False(transfer.IsCompleted);
            await RefillAsync(bucket);
        }
        await transfer.WaitAsync(Bound);
        Assert.Equal(0, bucket.Waiting);
    }

    [Fact]
    public async Task AnIdleLineDoesNotSaveUpABurst()
    {
        using var bucket = new BandwidthBucket(Mib, autoReplenishment: false);
        await Task.Delay(TimeSpan.FromSeconds(1)); // ten periods idle
        Assert.True(bucket.Refill());

        var transfer = bucket.AcquireAsync(2 * Tenth, CancellationToken.None);

        await WaitingBecomesAsync(bucket, Tenth);
        Assert.False(transfer.IsCompleted);
        await RefillAsync(bucket);
        await transfer.WaitAsync(Bound);
    }

    [Fact]
    public async Task AWaitingTransferCanBeCancelled()
    {
        using var bucket = new BandwidthBucket(Mib, autoReplenishment: false);
        await bucket.AcquireAsync(Tenth, CancellationToken.None);
        using var cancel = new CancellationTokenSource();

        var waiting = bucket.AcquireAsync(Tenth, cancel.Token);
        cancel.Cancel();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => waiting);
        Assert.Equal(0, bucket.Waiting);
    }

    [Fact]
    public async Task SendsWaitBeforeTheirAttemptAndDownloadsAfterTheirBytes()
    {
        var bucket = new BandwidthBucket(Mib, autoReplenishment: false);
        using var resilience = new StoreResilience(ResilienceOptions.Default with { BandwidthBytesPerSecond = Mib }, null, bucket);
        var attempts = 0;

        var upload = resilience.ExecuteAsync("upload", _ => Task.FromResult(Interlocked.Increment(ref attempts)), CancellationToken.None, sendBytes: 2 * Tenth);
        await WaitingBecomesAsync(bucket, Tenth);
        Assert.Equal(0, Volatile.Read(ref attempts)); // the second tenth is not in the bucket yet
        await RefillAsync(bucket);
        Assert.Equal(1, await upload.WaitAsync(Bound));

        var download = resilience.ThrottleAsync(Tenth, CancellationToken.None);
        await WaitingBecomesAsync(bucket, Tenth);
        Assert.False(download.IsCompleted);
        await RefillAsync(bucket);
        await download.WaitAsync(Bound);
    }

    [Fact]
    public async Task WithoutALimitNothingWaits()
    {
        using var resilience = new StoreResilience(ResilienceOptions.Default);
        Assert.True(resilience.ThrottleAsync(long.MaxValue / 2, CancellationToken.None).IsCompletedSuccessfully);
        await resilience.ThrottleAsync(1, CancellationToken.None);
    }

    [Fact]
    public async Task WithItsTimerTheBucketRefillsByItself()
    {
        using var bucket = new BandwidthBucket(Mib);
        await bucket.AcquireAsync(5 * Tenth, CancellationToken.None).WaitAsync(Bound);
    }

    /// <summary>Lets more than a refill period pass, then refills: the bucket is full afterwards.</summary>
    private static async Task RefillAsync(BandwidthBucket bucket)
    {
        await Task.Delay(TimeSpan.FromMilliseconds(150));
        Assert.True(bucket.Refill());
    }

    /// <summary>Waits (at most a minute) until <paramref name="bytes"/> wait in the bucket's queue.</summary>
    private static async Task WaitingBecomesAsync(BandwidthBucket bucket, long bytes)
    {
        var deadline = DateTime.UtcNow + Bound;
        while (bucket.Waiting != bytes)
        {
            Assert.True(DateTime.UtcNow < deadline, $"{bucket.Waiting} bytes wait in the bucket, expected {bytes}");
            await Task.Delay(1);
        }
    }
}
