using System.Globalization;
using Spectre.Console;

namespace Lockbox.Cli.Output;

/// <summary>
/// Shows a long operation's progress on the error stream: Spectre progress bars when a person watches
/// a terminal, plain lines (at each new phase and every 10%) when output is redirected, since
/// Spectre prints nothing then; nothing at all with --no-progress or --quiet.
/// </summary>
internal static class ProgressDisplay
{
    public static async Task<T> RunAsync<T>(CliContext context, string verb, Func<IProgressSink, Task<T>> work)
    {
        if (context.NoProgress)
            return await work(NoSink.Instance).ConfigureAwait(false);
        if (!context.Interactive)
        {
            var lines = new LineSink(context.Error, verb);
            return await work(lines).ConfigureAwait(false);
        }

        // The bars start with the first progress report, not before: a key or password prompt comes before any progress,
        // and must have the terminal to itself (a live display redraws over it).
        var bars = new BarSink(verb);
        Task<T> running = work(bars);
        if (await Task.WhenAny(running, bars.FirstReport).ConfigureAwait(false) == running)
            return await running.ConfigureAwait(false);
        IAnsiConsole console = AnsiConsole.Create(new AnsiConsoleSettings { Out = new AnsiConsoleOutput(context.Error) });
        T result = default!;
        await console.Progress()
            .AutoClear(false)
            .Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new DownloadedColumn(), new TransferSpeedColumn())
            .StartAsync(async progress =>
            {
                bars.Attach(progress);
                result = await running.ConfigureAwait(false);
                bars.Complete();
            }).ConfigureAwait(false);
        return result;
    }

    /// <summary>Progress bars; reports that come before the display is attached are kept (the latest per phase) and shown then.</summary>
    private sealed class BarSink(string verb) : IProgressSink
    {
        private readonly Dictionary<string, ProgressTask> _tasks = [];
        private readonly Dictionary<string, (long Done, long Total)> _early = [];
        private readonly TaskCompletionSource _firstReport = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private readonly Lock _lock = new();
        private ProgressContext? _progress;

        public Task FirstReport => _firstReport.Task;

        public void Attach(ProgressContext progress)
        {
            lock (_lock)
            {
                _progress = progress;
                foreach (var (phase, (done, total)) in _early) Show(phase, done, total);
                _early.Clear();
            }
        }

        public void Report(string phase, long done, long total)
        {
            lock (_lock)
            {
                if (_progress is null)
                    _early[phase] = (done, total);
                else
                    Show(phase, done, total);
            }
            _firstReport.TrySetResult();
        }

        private void Show(string phase, long done, long total)
        {
            if (!_tasks.TryGetValue(phase, out ProgressTask? task))
            {
                task = _progress!.AddTask($"{verb} {Markup.Escape(phase)}", maxValue: Math.Max(total, 1));
                _tasks.Add(phase, task);
            }
            task.MaxValue = Math.Max(total, 1);
            task.Value = Math.Min(done, task.MaxValue);
        }

        public void Complete()
        {
            lock (_lock)
            {
                foreach (ProgressTask task in _tasks.Values)
                {
                    task.Value = task.MaxValue;
                    task.StopTask();
                }
            }
        }
    }

    /// <summary>--no-progress and --quiet: progress goes nowhere.</summary>
    private sealed class NoSink : IProgressSink
    {
        public static readonly NoSink Instance = new();

        public void Report(string phase, long done, long total)
        {
        }
    }

    private sealed class LineSink(TextWriter writer, string verb) : IProgressSink
    {
        private readonly Lock _lock = new();
        private string? _phase;
        private int _decile = -1;

        public void Report(string phase, long done, long total)
        {
            lock (_lock)
            {
                int decile = total <= 0 ? 10 : (int)Math.Clamp(done * 10 / total, 0, 10);
                if (phase == _phase && decile <= _decile) return;
                _phase = phase;
                _decile = decile;
                int percent = total <= 0 ? 100 : (int)Math.Clamp(done * 100 / total, 0, 100);
                writer.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"{verb} [{phase}] {Units.Bytes(done)} of {Units.Bytes(total)} ({percent}%)"));
            }
        }
    }
}
