using System.CommandLine;

namespace Lockbox.Cli.Commands;

/// <summary><c>lockbox completion bash|zsh|fish</c>: print a shell completion script (<see cref="CompletionScripts"/>).</summary>
internal static class CompletionCommands
{
    public static IEnumerable<Command> Create(CliContext context)
    {
        var shell = new Argument<string>("shell") { Description = "bash, zsh or fish" };
        shell.AcceptOnlyFromAmong("bash", "zsh", "fish");
        var completion = new Command("completion", "Print a shell completion script: source <(lockbox completion bash), source <(lockbox completion zsh), lockbox completion fish | source") { shell };
        completion.SetAction(parse =>
        {
            context.Out.Write(parse.GetRequiredValue(shell) switch
            {
                "bash" => CompletionScripts.Bash,
                "zsh" => CompletionScripts.Zsh,
                _ => CompletionScripts.Fish,
            });
            return ExitCodes.Success;
        });
        yield return completion;
    }
}
