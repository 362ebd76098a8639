using Lockbox.Storage.Resilience;

namespace Lockbox.Storage.Tests.Resilience;

/// <summary>The bandwidth limit books line time per transfer; checked on a stopped clock, so no timing is involved.</summary>
public sealed class BandwidthLimiterTests
{
    private const int Mib = 1024 * 1024;

    [Fact]
    public void EachTransferWaitsForTheLineTimeBookedBeforeIt()
    {
        var clock = new StoppedClock();
        var limiter = new BandwidthLimiter(Mib, clock);

        Assert.Equal(TimeSpan.Zero, limiter.Reserve(Mib));
        Assert.Equal(TimeSpan.FromSeconds(1), limiter.Reserve(Mib / 2));
        Assert.Equal(TimeSpan.FromSeconds(1.5), limiter.Reserve(4 * Mib));
        clock.Advance(TimeSpan.FromSeconds(2));
        Assert.Equal(TimeSpan.FromSeconds(3.5), limiter.Reserve(0));
    }

    [Fact]
    public void AnIdleLineDoesNotSaveUpABurst()
    {
        var clock = new StoppedClock();
        var limiter = new BandwidthLimiter(Mib, clock);
        limiter.Reserve(Mib);
        clock.Advance(TimeSpan.FromSeconds(10));

        Assert.Equal(TimeSpan.Zero, limiter.Reserve(2 * Mib));
        Assert.Equal(TimeSpan.FromSeconds(2), limiter.Reserve(Mib));
    }

    [Fact]
    public async Task WithoutALimitNothingWaits()
    {
        var resilience = new StoreResilience(ResilienceOptions.Default);
        Assert.True(resilience.ThrottleAsync(long.MaxValue / 2, CancellationToken.None).IsCompletedSuccessfully);
        await resilience.ThrottleAsync(1, CancellationToken.None);
    }

    /// <summary>A clock that moves only when told.</summary>
    private sealed class StoppedClock : TimeProvider
    {
        private long ticks = 1_000_000;

        public override long TimestampFrequency => TimeSpan.TicksPerSecond;

        public override long GetTimestamp() => ticks;

        public void Advance(TimeSpan by) => ticks += by.Ticks;
    }
}
