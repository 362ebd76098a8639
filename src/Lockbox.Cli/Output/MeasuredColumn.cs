using Spectre.Console;
using Spectre.Console.Rendering;

namespace Lockbox.Cli.Output;

/// <summary>
/// A progress bar column (percentage, bytes, rate, time left) that stays empty on a step's row: a step has no size, and
/// "0/1 byte" or "0%" there would be noise (issue 13). <see cref="ProgressBars"/> marks step rows in the task's state.
/// </summary>
internal sealed class MeasuredColumn(ProgressColumn inner) : ProgressColumn
{
    /// <summary>The task state key that marks a step's row.</summary>
    public const string StepKey = "lockbox.step";

    public override IRenderable Render(RenderOptions options, ProgressTask task, TimeSpan deltaTime) =>
        task.State.Get<bool>(StepKey) ? Text.Empty : inner.Render(options, task, deltaTime);

    public override int? GetColumnWidth(RenderOptions options) => inner.GetColumnWidth(options);
}
