using System.CommandLine;
using Lockbox.Cli.Commands;

namespace Lockbox.Cli;

/// <summary>
/// Builds the <c>lockbox</c> command tree and runs one command line. Command groups live one per file
/// under Commands/; adding a group is one line in <see cref="Groups"/>.
/// </summary>
internal static class LockboxCli
{
    /// <summary>Every command group, in the order help lists them.</summary>
    private static readonly Func<CliContext, IEnumerable<Command>>[] Groups =
    [
        InitCommands.Create,
        BackupCommands.Create,
        SnapshotCommands.Create,
        RestoreCommands.Create,
        MaintenanceCommands.Create,
        InspectCommands.Create,
        UnlockCommands.Create,
        KeyCommands.Create,
        WhatsAppCommands.Create,
        PasswordCommands.Create,
        DisableCommands.Create,
        VaultCommands.Create,
        DemoCommands.Create,
        CompletionCommands.Create,
    ];

    public static RootCommand BuildRoot(CliContext context) => BuildRoot(context, new SecretOptions(), new OutputOptions());

    private static RootCommand BuildRoot(CliContext context, SecretOptions secrets, OutputOptions output)
    {
        var root = new RootCommand("Lockbox: end-to-end encrypted chat backups. The backup key never leaves this device unencrypted.");
        foreach (Func<CliContext, IEnumerable<Command>> group in Groups)
        {
            foreach (Command command in group(context))
                root.Subcommands.Add(command);
        }
        // Listed in the help; 'lockbox help [COMMAND]' itself is rewritten to '[COMMAND] --help' before parsing.
        root.Subcommands.Add(new Command("help", "Show the help of lockbox, or of one command (lockbox help backup)")
        {
            new Argument<string[]>("COMMAND") { Arity = ArgumentArity.ZeroOrMore },
        });
        foreach (Option option in root.Options)
        {
            if (option is VersionOption version)
            {
                version.Description = "Show the version and the repository format versions this build reads and writes";
                version.Action = new VersionAction();
            }
        }
        CommonOptions.DefaultRepositoryFromEnvironment(root, context);
        secrets.AddTo(root);
        output.AddTo(root);
        return root;
    }

    /// <summary>
    /// The commands that print for people (or shells) only: the vault's server side (a node's URLs, paths and tokens meant
    /// to be copied), the demo and the completion scripts. Their name (e.g. "vault serve") when <paramref name="command"/> is one of them, else null.
    /// </summary>
    private static string? WithoutJson(Command command)
    {
        var names = new List<string>();
        for (Command? c = command; c is not null && c is not RootCommand; c = c.Parents.OfType<Command>().FirstOrDefault())
            names.Insert(0, c.Name);
        return names.Count > 0 && names[0] is "vault" or "demo" or "completion" ? string.Join(' ', names) : null;
    }

    /// <summary>The first of <paramref name="path"/> that names no subcommand where it stands; null when all do.</summary>
    private static string? UnknownCommand(Command root, string[] path)
    {
        Command current = root;
        foreach (string name in path)
        {
            Command? next = current.Subcommands.FirstOrDefault(c => c.Name == name || c.Aliases.Contains(name));
            if (next is null) return name;
            current = next;
        }
        return null;
    }

    /// <summary>
    /// System.CommandLine's own typo corrections for the first mistyped command or option, as one line: "did you mean
    /// 'snapshots'?". Its error action writes "'snapshot' was not matched. Did you mean one of the following?" and the
    /// candidates, one a line; only the first block counts (the tokens after a mistyped command match nothing anyway).
    /// </summary>
    private static List<string> TypoCorrections(ParseResult parsed)
    {
        if (parsed.Action is not System.CommandLine.Invocation.ParseErrorAction errorAction) return [];
        errorAction.ShowHelp = false;
        errorAction.ShowTypoCorrections = true;
        var text = new StringWriter();
        parsed.Invoke(new InvocationConfiguration { Output = text, Error = text, EnableDefaultExceptionHandler = false });
        var errors = parsed.Errors.Select(e => e.Message).ToHashSet(StringComparer.Ordinal);
        string[] lines = [.. text.ToString().Split('\n').Select(l => l.Trim()).Where(l => l.Length > 0 && !errors.Contains(l))];
        int head = Array.FindIndex(lines, l => l.Contains(" was not matched.", StringComparison.Ordinal));
        if (head < 0) return [];
        string[] candidates = [.. lines.Skip(head + 1).TakeWhile(l => !l.Contains(" was not matched.", StringComparison.Ordinal))];
        return candidates.Length == 0 ? [] : [$"did you mean {string.Join(" or ", candidates.Select(c => $"'{c}'"))}?"];
    }

    /// <summary>
    /// Parses and runs <paramref name="args"/>; every failure is one line on <see cref="CliContext.Error"/>
    /// and a documented exit code (<see cref="ExitCodes"/>).
    /// </summary>
    public static async Task<int> RunAsync(string[] args, CliContext context, CancellationToken cancellationToken)
    {
        // As restic and borg: bare 'lockbox' and 'lockbox help' print the help and exit 0.
        var secrets = new SecretOptions();
        var output = new OutputOptions();
        RootCommand root = BuildRoot(context, secrets, output);
        if (args.Length == 0)
        {
            args = ["--help"];
        }
        else if (args[0] == "help" && !args.Skip(1).Any(a => a is "--help" or "-h" or "-?"))
        {
            if (UnknownCommand(root, args[1..]) is { } unknown)
            {
                await context.Error.WriteLineAsync($"lockbox: help: there is no command '{string.Join(' ', args[1..])}' ('{unknown}' is unknown); run 'lockbox help' for the list.").ConfigureAwait(false);
                return ExitCodes.Usage;
            }
            args = [.. args[1..], "--help"];
        }
        ParseResult parsed = root.Parse(args);
        if (parsed.Errors.Count > 0)
        {
            List<string> lines = [.. parsed.Errors.Select(e => e.Message), .. TypoCorrections(parsed)];
            if (args.Contains("--json", StringComparer.Ordinal))
            {
                // One error line, as for every other failure: the parser's messages joined.
                ErrorReporter.WriteJson(context.Error, ExitCodes.Usage, string.Join(" ", lines.Select(l => l.EndsWith('.') || l.EndsWith('?') ? l : l + ".")));
                return ExitCodes.Usage;
            }
            foreach (string line in lines)
                await context.Error.WriteLineAsync($"lockbox: {line}").ConfigureAwait(false);
            await context.Error.WriteLineAsync("Run 'lockbox --help' (or 'lockbox <command> --help') for usage.").ConfigureAwait(false);
            return ExitCodes.Usage;
        }

        secrets.Apply(parsed, context);
        output.Apply(parsed, context);
        if (context.Json && WithoutJson(parsed.CommandResult.Command) is { } plain)
        {
            ErrorReporter.WriteJson(context.Error, ExitCodes.Usage, $"'lockbox {plain}' has no --json output; run it without --json.");
            return ExitCodes.Usage;
        }
        var configuration = new InvocationConfiguration
        {
            Output = context.Out,
            Error = context.Error,
            EnableDefaultExceptionHandler = false,
            ProcessTerminationTimeout = null,
        };
        try
        {
            PathChecks.Check(parsed);
            return await parsed.InvokeAsync(configuration, cancellationToken).ConfigureAwait(false);
        }
#pragma warning disable CA1031 // The CLI's one catch-all: every failure becomes one line and an exit code.
        catch (Exception e)
#pragma warning restore CA1031
        {
            return ErrorReporter.Report(e, context.Error, context.KeySource, context.Json);
        }
    }
}
