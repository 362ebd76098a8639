using Spectre.Console;

namespace Lockbox.Cli.Output;

/// <summary>
/// Progress bars at a terminal, one per phase, named in words (<see cref="PhaseClock.Words"/>): a measured phase shows
/// bytes, rate and time left; a step (copying the database, finishing) spins without numbers and is done when the next
/// phase begins. Reports that come before the display is attached are kept (the latest per phase) and shown then.
/// </summary>
internal sealed class ProgressBars(string verb) : IProgressSink
{
    private readonly Dictionary<string, ProgressTask> _tasks = [];
    private readonly List<(string Phase, long Done, long Total)> _early = [];
    private readonly TaskCompletionSource _firstReport = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly Lock _lock = new();
    private ProgressContext? _progress;

    public Task FirstReport => _firstReport.Task;

    public void Attach(ProgressContext progress)
    {
        lock (_lock)
        {
            _progress = progress;
            foreach (var (phase, done, total) in _early) Show(phase, done, total);
            _early.Clear();
        }
    }

    public void Report(string phase, long done, long total)
    {
        lock (_lock)
        {
            if (_progress is null)
            {
                _early.RemoveAll(e => e.Phase == phase);
                _early.Add((phase, done, total));
            }
            else
            {
                Show(phase, done, total);
            }
        }
        _firstReport.TrySetResult();
    }

    private void Show(string phase, long done, long total)
    {
        bool step = PhaseClock.IsStep(phase, total);
        if (!_tasks.TryGetValue(phase, out ProgressTask? task))
        {
            foreach (ProgressTask earlier in _tasks.Values) Finish(earlier);
            string words = PhaseClock.Words(verb, phase);
            int aside = words.IndexOf(" (", StringComparison.Ordinal);
            task = _progress!.AddTask($"{verb}: {Markup.Escape(aside < 0 ? words : words[..aside])}", maxValue: step ? 1 : total);
            task.IsIndeterminate = step;
            task.State.Update<bool>(MeasuredColumn.StepKey, _ => step);
            _tasks.Add(phase, task);
        }
        if (step) return;
        task.MaxValue = total;
        task.Value = Math.Min(done, total);
    }

    private static void Finish(ProgressTask task)
    {
        task.IsIndeterminate = false;
        task.Value = task.MaxValue;
        task.StopTask();
    }

    public void Complete()
    {
        lock (_lock)
        {
            foreach (ProgressTask task in _tasks.Values) Finish(task);
        }
    }
}
