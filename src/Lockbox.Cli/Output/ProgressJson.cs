using Lockbox.Cli.Output.Json;

namespace Lockbox.Cli.Output;

/// <summary>
/// <c>--json</c> progress: a <see cref="StatusMessage"/> line on standard output at each new phase and per tenth of a
/// measured phase, as infrequent as the line form; never bars, even at a terminal.
/// </summary>
internal sealed class ProgressJson(TextWriter writer, string verb) : IProgressSink
{
    private readonly Lock _lock = new();
    private readonly PhaseClock _clock = new();
    private int _decile = -1;
    private (int Done, int Total) _files;

    public void Count(int filesDone, int filesTotal)
    {
        lock (_lock) _files = (filesDone, filesTotal);
    }

    public void Report(string phase, long done, long total)
    {
        lock (_lock)
        {
            bool fresh = _clock.Observe(phase, done);
            bool step = PhaseClock.IsStep(phase, total);
            int decile = step ? 10 : (int)Math.Clamp(done * 10 / total, 0, 10);
            if (!fresh && decile <= _decile) return;
            _decile = decile;
            double? percent = step ? null : Math.Round(Math.Clamp(done * 100.0 / total, 0, 100), 1);
            double? left = step ? null : _clock.SecondsRemaining(done, total) is { } s ? Math.Round(s, 1) : null;
            JsonLines.Write(writer, new StatusMessage(verb, phase, step ? 0 : done, step ? 0 : total, percent, Math.Round(_clock.SecondsElapsed, 3), left,
                _files.Total > 0 ? _files.Done : null, _files.Total > 0 ? _files.Total : null),
                JsonLines.Types.StatusMessage);
        }
    }
}
