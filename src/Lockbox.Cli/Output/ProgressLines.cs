using System.Globalization;

namespace Lockbox.Cli.Output;

/// <summary>
/// Progress as plain lines on a redirected error stream (logs of scheduled jobs): one at each new phase and one per tenth
/// of a measured phase, e.g. <c>backup: reading, encrypting and uploading: 48.0 MiB of 120.0 MiB (40%), 7 of 13 files, 31.2 MiB/s, 3 s left</c>.
/// A step is one line without numbers (never "0 B of 0 B").
/// </summary>
internal sealed class ProgressLines(TextWriter writer, string verb) : PacedProgress
{
    public override void Describe(string text)
    {
        lock (writer) writer.WriteLine($"{verb}: {text}");
    }

    protected override void Write(string phase, long done, long total, bool step)
    {
        string line = $"{verb}: {PhaseClock.Words(verb, phase)}";
        if (!step)
        {
            int percent = (int)Math.Clamp(done * 100 / total, 0, 100);
            line += string.Create(CultureInfo.InvariantCulture, $": {Units.Bytes(Math.Min(done, total))} of {Units.Bytes(total)} ({percent}%)");
            if (Files.Total > 0) line += string.Create(CultureInfo.InvariantCulture, $", {Files.Done:N0} of {Files.Total:N0} files");
            if (Clock.Rate(done) is { } rate)
            {
                line += $", {Units.Bytes((long)rate)}/s";
                if (Clock.SecondsRemaining(done, total) is { } left)
                    line += $", {PhaseClock.Left(left)} left";
            }
        }
        lock (writer) writer.WriteLine(line);
    }
}
