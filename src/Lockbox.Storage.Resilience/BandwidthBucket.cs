using System.Threading.RateLimiting;

namespace Lockbox.Storage.Resilience;

/// <summary>
/// The bandwidth limit as a <see cref="TokenBucketRateLimiter"/> of bytes: the bucket holds a tenth of a second's worth
/// and refills every tenth of a second (rates under 10 B/s: a second's worth, every second), so an idle line saves up no
/// more than that; waiting transfers are served oldest first. A transfer larger than the bucket takes its bytes a
/// bucketful at a time, so the rate holds on average over a transfer, not within it.
/// </summary>
internal sealed class BandwidthBucket : IDisposable
{
    private readonly TokenBucketRateLimiter _limiter;

    /// <param name="bytesPerSecond">The average rate.</param>
    /// <param name="autoReplenishment">False leaves refilling to <see cref="Refill"/> (tests).</param>
    public BandwidthBucket(long bytesPerSecond, bool autoReplenishment = true)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(bytesPerSecond, 1);
        var slow = bytesPerSecond < 10;
        Size = (int)Math.Min(slow ? bytesPerSecond : bytesPerSecond / 10, int.MaxValue);
        _limiter = new TokenBucketRateLimiter(new TokenBucketRateLimiterOptions
        {
            TokenLimit = Size,
            TokensPerPeriod = Size,
            ReplenishmentPeriod = slow ? TimeSpan.FromSeconds(1) : TimeSpan.FromMilliseconds(100),
            QueueLimit = int.MaxValue,
            QueueProcessingOrder = QueueProcessingOrder.OldestFirst,
            AutoReplenishment = autoReplenishment,
        });
    }

    /// <summary>Bytes the bucket holds when full: what one refill adds.</summary>
    public int Size { get; }

    /// <summary>Waits until <paramref name="bytes"/> may move.</summary>
    public async Task AcquireAsync(long bytes, CancellationToken cancellationToken)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(bytes);
        while (bytes > 0)
        {
            var take = (int)Math.Min(bytes, Size);
            using var lease = await _limiter.AcquireAsync(take, cancellationToken).ConfigureAwait(false);
            if (!lease.IsAcquired)
            {
                throw new ObjectDisposedException(nameof(BandwidthBucket)); // the queue is unbounded: refused only once disposed
            }
            bytes -= take;
        }
    }

    /// <summary>Bytes waiting for the bucket (tests).</summary>
    internal long Waiting => _limiter.GetStatistics()?.CurrentQueuedCount ?? 0;

    /// <summary>A refill by hand (timer off): adds the line time passed since the last one, up to the bucket's size (tests).</summary>
    internal bool Refill() => _limiter.TryReplenish();

    public void Dispose() => _limiter.Dispose();
}
