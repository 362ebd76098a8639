using System.Diagnostics;
using System.Globalization;

namespace Lockbox.Cli.Output;

/// <summary>
/// What a phase of a long operation means to a person, and how fast it goes: the phase's words ("reading, encrypting and
/// uploading"), whether it is a step without a measure, its average rate since it began and, once a rate is known, the
/// time left.
/// </summary>
internal sealed class PhaseClock
{
    private readonly long _started = Stopwatch.GetTimestamp();
    private readonly Dictionary<string, (long Time, long Done)> _phaseStarts = [];
    private string? _phase;
    private long _lastReport;

    /// <summary>Seconds since the operation began.</summary>
    public double SecondsElapsed => Stopwatch.GetElapsedTime(_started).TotalSeconds;

    /// <summary>
    /// Notes a report; true when it starts a phase or returns to one (a restore goes back to downloading once the
    /// messages are in place). A phase first seen part-way (the engine reports every 16 MiB) is taken to have begun
    /// from 0 at the previous report (or the start), so its first line can show a rate; a phase returned to keeps its start.
    /// </summary>
    public bool Observe(string phase, long done)
    {
        long now = Stopwatch.GetTimestamp();
        long previous = _lastReport == 0 ? _started : _lastReport;
        _lastReport = now;
        if (phase == _phase) return false;
        _phase = phase;
        if (!_phaseStarts.ContainsKey(phase))
            _phaseStarts[phase] = done > 0 ? (previous, 0) : (now, done);
        return true;
    }

    /// <summary>Bytes per second in the current phase; null until a quarter second and some bytes have passed.</summary>
    public double? Rate(long done)
    {
        if (_phase is null || !_phaseStarts.TryGetValue(_phase, out var start)) return null;
        double seconds = Stopwatch.GetElapsedTime(start.Time).TotalSeconds;
        long moved = done - start.Done;
        return seconds >= 0.25 && moved > 0 ? moved / seconds : null;
    }

    /// <summary>Seconds left at the current rate; null while no rate is known.</summary>
    public double? SecondsRemaining(long done, long total) =>
        Rate(done) is { } rate && total > done ? (total - done) / rate : null;

    /// <summary>Time left for people: "3 s", "2 min 5 s" (whole seconds, rounded up).</summary>
    public static string Left(double seconds)
    {
        long whole = (long)Math.Ceiling(seconds);
        return whole < 60
            ? string.Create(CultureInfo.InvariantCulture, $"{whole} s")
            : string.Create(CultureInfo.InvariantCulture, $"{whole / 60} min {whole % 60} s");
    }

    /// <summary>Phases that are steps, shown without numbers: nothing to count, or done in one go.</summary>
    public static bool IsStep(string phase, long total) => total <= 0 || phase is "database" or "messages" or "finish" or "structure";

    /// <summary>The phase in words, for the line and bar forms.</summary>
    public static string Words(string verb, string phase) => (verb, phase) switch
    {
        (_, "database") => "copying the chat database (SQLite's consistent copy)",
        ("backup" or "import", "backup") => "reading, encrypting and uploading",
        ("restore", "restore") => "downloading and decrypting",
        ("restore", "messages") => "the messages are in place; restoring the media",
        ("restore", "finish") => "putting the media in place",
        (_, "finish") => "finishing",
        ("verify", "structure") => "checking the index, snapshots and chain",
        ("verify", "data") => "reading and checking every pack",
        _ => phase,
    };
}
