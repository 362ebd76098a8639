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

        Assert.Equal(TimeSpan.Zero, limiter.Reserve(Mib, afterTransfer: false));
        Assert.Equal(TimeSpan.FromSeconds(1), limiter.Reserve(Mib / 2, afterTransfer: false));
        Assert.Equal(TimeSpan.FromSeconds(1.5), limiter.Reserve(4 * Mib, afterTransfer: false));
        clock.Advance(TimeSpan.FromSeconds(2));
        Assert.Equal(TimeSpan.FromSeconds(3.5), limiter.Reserve(0, afterTransfer: false));
    }

    [Fact]
    public void AnIdleLineDoesNotSaveUpABurst()
    {
        var clock = new StoppedClock();
        var limiter = new BandwidthLimiter(Mib, clock);
        limiter.Reserve(Mib, afterTransfer: false);
        clock.Advance(TimeSpan.FromSeconds(10));

        Assert.Equal(TimeSpan.Zero, limiter.Reserve(2 * Mib, afterTransfer: false));
        Assert.Equal(TimeSpan.FromSeconds(2), limiter.Reserve(Mib, afterTransfer: false));
    }

    [Fact]
    public void AReceivedTransferWaitsUntilItsOwnBookingHasPassed()
    {
        var clock = new StoppedClock();
        var limiter = new BandwidthLimiter(Mib, clock);

        Assert.Equal(TimeSpan.FromSeconds(3), limiter.Reserve(3 * Mib, afterTransfer: true));
        Assert.Equal(TimeSpan.FromSeconds(4), limiter.Reserve(Mib, afterTransfer: true));
        clock.Advance(TimeSpan.FromSeconds(4));
        Assert.Equal(TimeSpan.FromSeconds(0.5), limiter.Reserve(Mib / 2, afterTransfer: true));
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
