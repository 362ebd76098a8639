using System.CommandLine;

namespace Lockbox.Cli.Commands;

/// <summary>
/// The global <c>-q/--quiet</c> (only errors, warnings and the final result) and <c>--no-progress</c> (no progress bars
/// or lines, for logs of scheduled jobs), as restic's. After parsing, <see cref="Apply"/> sets them on <see cref="CliContext"/>.
/// </summary>
internal sealed class OutputOptions
{
    private readonly Option<bool> _quiet = new("--quiet", "-q")
    {
        Description = "Print only errors, warnings and the final result (no progress, no step messages)",
        Recursive = true,
    };

    private readonly Option<bool> _noProgress = new("--no-progress")
    {
        Description = "Do not show progress (bars on a terminal, lines when redirected)",
        Recursive = true,
    };

    public void AddTo(RootCommand root)
    {
        root.Options.Add(_quiet);
        root.Options.Add(_noProgress);
    }

    public void Apply(ParseResult parsed, CliContext context)
    {
        context.Quiet = parsed.GetValue(_quiet);
        context.NoProgress = context.Quiet || parsed.GetValue(_noProgress);
    }
}
