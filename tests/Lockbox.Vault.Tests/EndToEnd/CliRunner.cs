using Lockbox.Cli;

namespace Lockbox.Vault.Tests.EndToEnd;

/// <summary>Runs the real <c>lockbox</c> command line in-process with its own environment (one per device).</summary>
internal sealed class CliRunner(Dictionary<string, string?> environment)
{
    public Dictionary<string, string?> Environment { get; } = environment;

    /// <summary>What a person types at hidden prompts, in order; null means no terminal (no one to ask).</summary>
    public Queue<string>? Typed { get; set; }

    /// <summary>The prompts shown so far.</summary>
    public List<string> Prompts { get; } = [];

    public async Task<CliResult> RunAsync(params string[] args)
    {
        using var output = new StringWriter();
        using var error = new StringWriter();
        var context = new CliContext
        {
            Out = output,
            Error = error,
            Environment = name => Environment.GetValueOrDefault(name),
            Interactive = false,
            ReadSecret = Typed is null ? null : (prompt, _) =>
            {
                Prompts.Add(prompt);
                return Typed.Count > 0 ? Typed.Dequeue() : null;
            },
        };
        int code = await LockboxCli.RunAsync(args, context, CancellationToken.None);
        return new CliResult(code, output.ToString(), error.ToString());
    }
}

internal sealed record CliResult(int ExitCode, string Out, string Error)
{
    public override string ToString() => $"exit {ExitCode}\nstdout: {Out}\nstderr: {Error}";
}
