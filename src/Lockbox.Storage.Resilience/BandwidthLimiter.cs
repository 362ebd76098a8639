namespace Lockbox.Storage.Resilience;

/// <summary>
/// Keeps the average transfer rate at or under a limit: each transfer books the time its bytes take
/// at that rate, and waits until the time booked before it has passed. Bursts are one transfer long
/// (a part or an object), so the rate holds on average, not within a single request.
/// </summary>
internal sealed class BandwidthLimiter
{
    private readonly long bytesPerSecond;
    private readonly TimeProvider time;
    private readonly Lock gate = new();
    private long lineFreeAt;

    public BandwidthLimiter(long bytesPerSecond, TimeProvider time)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(bytesPerSecond, 1);
        this.bytesPerSecond = bytesPerSecond;
        this.time = time;
        lineFreeAt = time.GetTimestamp();
    }

    public Task WaitAsync(long bytes, CancellationToken cancellationToken)
    {
        var wait = Reserve(bytes);
        return wait <= TimeSpan.Zero ? Task.CompletedTask : Task.Delay(wait, time, cancellationToken);
    }

    /// <summary>Books the line for <paramref name="bytes"/> and returns how long to wait before sending them.</summary>
    internal TimeSpan Reserve(long bytes)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(bytes);
        long now;
        long start;
        lock (gate)
        {
            now = time.GetTimestamp();
            start = Math.Max(now, lineFreeAt);
            var cost = (long)((double)bytes * time.TimestampFrequency / bytesPerSecond);
            lineFreeAt = start + cost;
        }
        return time.GetElapsedTime(now, start);
    }
}
