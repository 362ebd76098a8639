using System.Diagnostics;

namespace Lockbox.Cli.Output;

/// <summary>
/// What a phase of a long operation means to a person, and how fast it goes: the phase's words ("reading, encrypting and
/// uploading"), whether it is a step without a measure, its rate since it began and, once a rate is known, the time left.
/// </summary>
internal sealed class PhaseClock
{
    private readonly long _started = Stopwatch.GetTimestamp();
    private string? _phase;
    private long _phaseStarted;
    private long _phaseStartDone;

    /// <summary>Seconds since the operation began.</summary>
    public double SecondsElapsed => Stopwatch.GetElapsedTime(_started).TotalSeconds;

    /// <summary>Notes a report; true when it starts a new phase.</summary>
    public bool Observe(string phase, long done)
    {
        if (phase == _phase) return false;
        _phase = phase;
        _phaseStarted = Stopwatch.GetTimestamp();
        _phaseStartDone = done;
        return true;
    }

    /// <summary>Bytes per second in the current phase; null until at least half a second and some bytes have passed.</summary>
    public double? Rate(long done)
    {
        double seconds = Stopwatch.GetElapsedTime(_phaseStarted).TotalSeconds;
        long moved = done - _phaseStartDone;
        return seconds >= 0.5 && moved > 0 ? moved / seconds : null;
    }

    /// <summary>Seconds left at the current rate; null while no rate is known.</summary>
    public double? SecondsRemaining(long done, long total) =>
        Rate(done) is { } rate && total > done ? (total - done) / rate : null;

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
