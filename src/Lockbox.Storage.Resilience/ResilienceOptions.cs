using Lockbox.Repository.Storage;

namespace Lockbox.Storage.Resilience;

/// <summary>How a cloud store retries, how many requests it runs at once and how fast it may send.</summary>
public sealed record ResilienceOptions
{
    /// <summary>The defaults: 6 attempts, 200 ms first backoff doubling to at most 10 s, 4 requests at once, no bandwidth limit.</summary>
    public static ResilienceOptions Default { get; } = new();

    /// <summary>Attempts per request, the first included (1 = no retry).</summary>
    public int MaxAttempts { get; init; } = 6;

    /// <summary>The backoff before the first retry; it doubles each retry, with full jitter.</summary>
    public TimeSpan BaseDelay { get; init; } = TimeSpan.FromMilliseconds(200);

    /// <summary>The longest single backoff.</summary>
    public TimeSpan MaxDelay { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>How long one attempt may take before it counts as a transient failure.</summary>
    public TimeSpan AttemptTimeout { get; init; } = TimeSpan.FromSeconds(120);

    /// <summary>Requests in flight at once per store (uploads, parts, downloads alike).</summary>
    public int MaxParallelism { get; init; } = 4;

    /// <summary>Bytes per second sent plus received, averaged; null for no limit.</summary>
    public long? BandwidthBytesPerSecond { get; init; }

    /// <summary>
    /// The one place an app's <see cref="StoreLimits"/> become request rules: these rules, with the app's bandwidth
    /// cap and parallelism where it set them. Every cloud store factory opens its store with the result.
    /// </summary>
    public ResilienceOptions Within(StoreLimits limits)
    {
        ArgumentNullException.ThrowIfNull(limits);
        return this with
        {
            BandwidthBytesPerSecond = limits.BandwidthBytesPerSecond ?? BandwidthBytesPerSecond,
            MaxParallelism = limits.MaxParallelism ?? MaxParallelism,
        };
    }

    internal void Validate()
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(MaxAttempts, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(MaxParallelism, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(BaseDelay, TimeSpan.Zero);
        ArgumentOutOfRangeException.ThrowIfLessThan(MaxDelay, BaseDelay);
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(AttemptTimeout, TimeSpan.Zero);
        if (BandwidthBytesPerSecond is { } rate)
        {
            ArgumentOutOfRangeException.ThrowIfLessThan(rate, 1, nameof(BandwidthBytesPerSecond));
        }
    }
}
