namespace Lockbox.Cli.Output;

/// <summary>
/// The pace of the line and JSON forms of progress: something is written at each new phase and once per tenth of a
/// measured phase, never more often (logs of scheduled jobs stay short). Keeps the phase clock and the latest file counts
/// for <see cref="Write"/>, which each form words in its own way.
/// </summary>
internal abstract class PacedProgress : IProgressSink
{
    private readonly Lock _lock = new();
    private int _decile = -1;

    protected PhaseClock Clock { get; } = new();

    /// <summary>The latest counts given by <see cref="Count"/>; Total 0 while none were.</summary>
    protected (int Done, int Total) Files { get; private set; }

    public void Count(int filesDone, int filesTotal)
    {
        lock (_lock) Files = (filesDone, filesTotal);
    }

    public void Report(string phase, long done, long total)
    {
        lock (_lock)
        {
            bool fresh = Clock.Observe(phase, done);
            bool step = PhaseClock.IsStep(phase, total);
            int decile = step ? 10 : (int)Math.Clamp(done * 10 / total, 0, 10);
            if (!fresh && decile <= _decile) return;
            _decile = decile;
            Write(phase, done, total, step);
        }
    }

    public virtual void Describe(string text)
    {
    }

    /// <summary>Writes one report (under the lock); a <paramref name="step"/> has no measure to show.</summary>
    protected abstract void Write(string phase, long done, long total, bool step);
}
