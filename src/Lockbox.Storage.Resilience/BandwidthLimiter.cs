namespace Lockbox.Storage.Resilience;

/// <summary>
/// Keeps the average transfer rate at or under a limit: each transfer books the time its bytes take
/// at that rate. A send waits until the time booked before it has passed; a download, whose size is
/// known only once received, waits until its own booking has passed too. Bursts are one transfer
/// long (a part or an object), so the rate holds on average, not within a single request.
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

    /// <summary>Before sending: waits until the line time booked before these bytes has passed.</summary>
    public Task WaitToSendAsync(long bytes, CancellationToken cancellationToken) => DelayAsync(Reserve(bytes, afterTransfer: false), cancellationToken);

    /// <summary>After receiving: waits until the line time these bytes booked has passed too.</summary>
    public Task WaitAfterReceivingAsync(long bytes, CancellationToken cancellationToken) => DelayAsync(Reserve(bytes, afterTransfer: true), cancellationToken);

    /// <summary>
    /// Books the line for <paramref name="bytes"/> and returns how long to wait: until their slot
    /// starts (before sending), or until it ends (<paramref name="afterTransfer"/>, bytes already received).
    /// </summary>
    internal TimeSpan Reserve(long bytes, bool afterTransfer)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(bytes);
        long now;
        long until;
        lock (gate)
        {
            now = time.GetTimestamp();
            var start = Math.Max(now, lineFreeAt);
            var cost = (long)((double)bytes * time.TimestampFrequency / bytesPerSecond);
            lineFreeAt = start + cost;
            until = afterTransfer ? lineFreeAt : start;
        }
        return time.GetElapsedTime(now, until);
    }

    private Task DelayAsync(TimeSpan wait, CancellationToken cancellationToken) =>
        wait <= TimeSpan.Zero ? Task.CompletedTask : Task.Delay(wait, time, cancellationToken);
}
