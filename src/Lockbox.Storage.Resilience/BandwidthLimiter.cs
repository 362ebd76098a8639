namespace Lockbox.Storage.Resilience;

/// <summary>
/// Keeps the average transfer rate at or under a limit: each transfer books the time its bytes take
/// at that rate. A send waits until the time booked before it has passed; a download, whose size is
/// known only once received, waits until its own booking has passed too. Bursts are one transfer
/// long (a part or an object), so the rate holds on average, not within a single request.
/// </summary>
internal sealed class BandwidthLimiter
{
    private readonly long _bytesPerSecond;
    private readonly TimeProvider _time;
    private readonly Lock _gate = new();
    private long _lineFreeAt;

    public BandwidthLimiter(long bytesPerSecond, TimeProvider time)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(bytesPerSecond, 1);
        _bytesPerSecond = bytesPerSecond;
        _time = time;
        _lineFreeAt = time.GetTimestamp();
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
        lock (_gate)
        {
            now = _time.GetTimestamp();
            var start = Math.Max(now, _lineFreeAt);
            var cost = (long)((double)bytes * _time.TimestampFrequency / _bytesPerSecond);
            _lineFreeAt = start + cost;
            until = afterTransfer ? _lineFreeAt : start;
        }
        return _time.GetElapsedTime(now, until);
    }

    private Task DelayAsync(TimeSpan wait, CancellationToken cancellationToken) =>
        wait <= TimeSpan.Zero ? Task.CompletedTask : Task.Delay(wait, _time, cancellationToken);
}
