using Spectre.Console;

namespace Lockbox.Cli.Output;

/// <summary>
/// Shows a long operation's progress: Spectre progress bars on the error stream when a person watches a terminal; plain
/// lines there when output is redirected (<see cref="ProgressLines"/>), since Spectre prints nothing then; JSON status lines
/// on standard output with --json (<see cref="ProgressJson"/>); nothing at all with --no-progress or --quiet.
/// </summary>
internal static class ProgressDisplay
{
    /// <summary>The sink for <paramref name="verb"/>'s progress when no live display is needed; null when bars are.</summary>
    private static IProgressSink? PlainSink(CliContext context, string verb) =>
        context.NoProgress ? NoSink.Instance
        : context.Json ? new ProgressJson(context.Out, verb)
        : !context.Interactive ? new ProgressLines(context.Error, verb)
        : null;

    public static async Task<T> RunAsync<T>(CliContext context, string verb, Func<IProgressSink, Task<T>> work)
    {
        if (PlainSink(context, verb) is { } plain)
            return await work(plain).ConfigureAwait(false);

        // The bars start with the first progress report, not before: a key or password prompt comes before any progress,
        // and must have the terminal to itself (a live display redraws over it).
        var bars = new ProgressBars(verb);
        Task<T> running = work(bars);
        if (await Task.WhenAny(running, bars.FirstReport).ConfigureAwait(false) == running)
            return await running.ConfigureAwait(false);
        IAnsiConsole console = AnsiConsole.Create(new AnsiConsoleSettings { Out = new AnsiConsoleOutput(context.Error) });
        T result = default!;
        await console.Progress()
            .AutoClear(false)
            .Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new MeasuredColumn(new PercentageColumn()), new MeasuredColumn(new DownloadedColumn()),
                new MeasuredColumn(new TransferSpeedColumn()), new MeasuredColumn(new RemainingTimeColumn()))
            .StartAsync(async progress =>
            {
                bars.Attach(progress);
                result = await running.ConfigureAwait(false);
                bars.Complete();
            }).ConfigureAwait(false);
        return result;
    }

    /// <summary>--no-progress and --quiet: progress goes nowhere.</summary>
    private sealed class NoSink : IProgressSink
    {
        public static readonly NoSink Instance = new();

        public void Report(string phase, long done, long total)
        {
        }
    }
}
