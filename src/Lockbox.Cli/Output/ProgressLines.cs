using System.Globalization;

namespace Lockbox.Cli.Output;

/// <summary>
/// Progress as plain lines on a redirected error stream (logs of scheduled jobs): one at each new phase and one per tenth
/// of a measured phase, e.g. <c>backup: reading, encrypting and uploading: 48.0 MiB of 120.0 MiB (40%), 7 of 13 files, 31.2 MiB/s, 3 s left</c>.
/// A step is one line without numbers (never "0 B of 0 B").
/// </summary>
internal sealed class ProgressLines(TextWriter writer, string verb) : IProgressSink
{
    private readonly Lock _lock = new();
    private readonly PhaseClock _clock = new();
    private int _decile = -1;
    private (int Done, int Total) _files;

    public void Count(int filesDone, int filesTotal)
    {
        lock (_lock) _files = (filesDone, filesTotal);
    }

    public void Describe(string text)
    {
        lock (_lock) writer.WriteLine($"{verb}: {text}");
    }

    public void Report(string phase, long done, long total)
    {
        lock (_lock)
        {
            bool fresh = _clock.Observe(phase, done);
            if (PhaseClock.IsStep(phase, total))
            {
                if (fresh) writer.WriteLine($"{verb}: {PhaseClock.Words(verb, phase)}");
                _decile = 10;
                return;
            }
            int decile = (int)Math.Clamp(done * 10 / total, 0, 10);
            if (!fresh && decile <= _decile) return;
            _decile = decile;
            writer.WriteLine(Line(phase, done, total));
        }
    }

    private string Line(string phase, long done, long total)
    {
        int percent = (int)Math.Clamp(done * 100 / total, 0, 100);
        string line = string.Create(CultureInfo.InvariantCulture,
            $"{verb}: {PhaseClock.Words(verb, phase)}: {Units.Bytes(Math.Min(done, total))} of {Units.Bytes(total)} ({percent}%)");
        if (_files.Total > 0) line += string.Create(CultureInfo.InvariantCulture, $", {_files.Done:N0} of {_files.Total:N0} files");
        if (_clock.Rate(done) is { } rate)
        {
            line += $", {Units.Bytes((long)rate)}/s";
            if (_clock.SecondsRemaining(done, total) is { } left)
                line += $", {PhaseClock.Left(left)} left";
        }
        return line;
    }
}
