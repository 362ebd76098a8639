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
        UnlockCommands.Create,
        KeyCommands.Create,
        WhatsAppCommands.Create,
        PasswordCommands.Create,
        DisableCommands.Create,
        VaultCommands.Create,
        DemoCommands.Create,
    ];

    public static RootCommand BuildRoot(CliContext context) => BuildRoot(context, new SecretOptions());

    private static RootCommand BuildRoot(CliContext context, SecretOptions secrets)
    {
        var root = new RootCommand("Lockbox: end-to-end encrypted chat backups. The backup key never leaves this device unencrypted.");
        foreach (Func<CliContext, IEnumerable<Command>> group in Groups)
        {
            foreach (Command command in group(context))
                root.Subcommands.Add(command);
        }
        CommonOptions.DefaultRepositoryFromEnvironment(root, context);
        secrets.AddTo(root);
        return root;
    }

    /// <summary>
    /// Parses and runs <paramref name="args"/>; every failure is one line on <see cref="CliContext.Error"/>
    /// and a documented exit code (<see cref="ExitCodes"/>).
    /// </summary>
    public static async Task<int> RunAsync(string[] args, CliContext context, CancellationToken cancellationToken)
    {
        var secrets = new SecretOptions();
        ParseResult parsed = BuildRoot(context, secrets).Parse(args);
        if (parsed.Errors.Count > 0)
        {
            foreach (var error in parsed.Errors)
                await context.Error.WriteLineAsync($"lockbox: {error.Message}").ConfigureAwait(false);
            await context.Error.WriteLineAsync("Run 'lockbox --help' (or 'lockbox <command> --help') for usage.").ConfigureAwait(false);
            return ExitCodes.Usage;
        }

        secrets.Apply(parsed, context);
        var configuration = new InvocationConfiguration
        {
            Output = context.Out,
            Error = context.Error,
            EnableDefaultExceptionHandler = false,
            ProcessTerminationTimeout = null,
        };
        try
        {
            return await parsed.InvokeAsync(configuration, cancellationToken).ConfigureAwait(false);
        }
#pragma warning disable CA1031 // The CLI's one catch-all: every failure becomes one line and an exit code.
        catch (Exception e)
#pragma warning restore CA1031
        {
            return ErrorReporter.Report(e, context.Error);
        }
    }
}
