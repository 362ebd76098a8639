using System.CommandLine;

namespace Lockbox.Cli.Commands;

/// <summary>
/// The global output options, anywhere on the command line as restic's: <c>-q/--quiet</c> (only errors, warnings and the
/// final result), <c>-v/--verbose</c> (also each file a backup added or changed and each file a restore wrote),
/// <c>--no-progress</c> (no progress bars or lines, for logs of scheduled jobs) and <c>--json</c> (JSON lines, README
/// "Scripting"). After parsing, <see cref="Apply"/> sets them on <see cref="CliContext"/>.
/// </summary>
internal sealed class OutputOptions
{
    private readonly Option<bool> _quiet = new("--quiet", "-q")
    {
        Description = "Print only errors, warnings and the final result (no progress, no step messages)",
        Recursive = true,
    };

    private readonly Option<bool> _verbose = new("--verbose", "-v")
    {
        Description = "Also list each media file a backup added or changed (and the database pages changed), each file a restore wrote",
        Recursive = true,
    };

    private readonly Option<bool> _noProgress = new("--no-progress")
    {
        Description = "Do not show progress (bars on a terminal, lines when redirected, status lines with --json)",
        Recursive = true,
    };

    public Option<bool> Json { get; } = new("--json")
    {
        Description = "Print JSON lines: progress (status), the result (summary) on standard output; errors and warnings on standard error",
        Recursive = true,
    };

    public void AddTo(RootCommand root)
    {
        root.Options.Add(_quiet);
        root.Options.Add(_verbose);
        root.Options.Add(_noProgress);
        root.Options.Add(Json);
        _verbose.Validators.Add(result =>
        {
            if (result.GetValue(_verbose) && result.GetValue(_quiet))
                result.AddError("-q/--quiet and -v/--verbose exclude each other.");
        });
    }

    public void Apply(ParseResult parsed, CliContext context)
    {
        context.Quiet = parsed.GetValue(_quiet);
        context.Verbose = parsed.GetValue(_verbose);
        context.Json = parsed.GetValue(Json);
        context.NoProgress = context.Quiet || parsed.GetValue(_noProgress);
    }
}
