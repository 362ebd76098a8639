using Lockbox.Cli.Output.Json;

namespace Lockbox.Cli.Output;

/// <summary>
/// <c>--json</c> progress: a <see cref="StatusMessage"/> line on standard output at each new phase and per tenth of a
/// measured phase, as infrequent as the line form; never bars, even at a terminal.
/// </summary>
internal sealed class ProgressJson(TextWriter writer, string verb) : PacedProgress
{
    protected override void Write(string phase, long done, long total, bool step)
    {
        double? percent = step ? null : Math.Round(Math.Clamp(done * 100.0 / total, 0, 100), 1);
        double? left = step ? null : Clock.SecondsRemaining(done, total) is { } s ? Math.Round(s, 1) : null;
        int? filesDone = Files.Total > 0 ? Files.Done : null, filesTotal = Files.Total > 0 ? Files.Total : null;
        JsonLines.Write(writer, new StatusMessage(verb, phase, step ? 0 : done, step ? 0 : total, percent, Math.Round(Clock.SecondsElapsed, 3), left, filesDone, filesTotal),
            JsonLines.Types.StatusMessage);
    }
}
