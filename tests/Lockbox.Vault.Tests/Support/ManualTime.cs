namespace Lockbox.Vault.Tests.Support;

/// <summary>A clock the test moves by hand (timers still tick in real time and read this clock).</summary>
internal sealed class ManualTime : TimeProvider
{
    private long _ticks = DateTimeOffset.UtcNow.UtcTicks;

    public override DateTimeOffset GetUtcNow() => new(Interlocked.Read(ref _ticks), TimeSpan.Zero);

    public void Advance(TimeSpan by) => Interlocked.Add(ref _ticks, by.Ticks);
}
