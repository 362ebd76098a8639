using Lockbox.Cli.Tests.Support;

namespace Lockbox.Cli.Tests;

/// <summary>Bare <c>lockbox</c> and <c>lockbox help</c> print the help with exit 0 (as restic and borg do); <c>--version</c> names the format.</summary>
public sealed class HelpAndVersionTests : IDisposable
{
    private readonly Workspace _w = new();

    public void Dispose() => _w.Dispose();

    [Theory]
    [InlineData]
    [InlineData("help")]
    public async Task BareLockboxAndHelpPrintTheHelp(params string[] args)
    {
        CliResult result = await _w.RunAsync(args);
        Assert.True(result.ExitCode == 0, $"exit {result.ExitCode}; {result.Error}");
        Assert.Contains("Usage:", result.Out, StringComparison.Ordinal);
        Assert.Contains("backup", result.Out, StringComparison.Ordinal);
        Assert.Contains("restore", result.Out, StringComparison.Ordinal);
        Assert.Equal("", result.Error);
    }

    [Fact]
    public async Task HelpOfACommandPrintsThatCommandsHelp()
    {
        CliResult result = await _w.RunAsync("help", "backup");
        result.AssertSuccess();
        Assert.Contains("--db", result.Out, StringComparison.Ordinal);

        CliResult unknown = await _w.RunAsync("help", "bakcup");
        Assert.Equal(2, unknown.ExitCode);
        unknown.AssertOneLineFailure(2, "there is no command 'bakcup'");
    }

    /// <summary>Every command's path (<c>restore</c>, <c>vault provision</c>, ...), from the CLI's own command tree.</summary>
    public static TheoryData<string> EveryCommand()
    {
        var context = new CliContext { Out = TextWriter.Null, Error = TextWriter.Null, Environment = _ => null };
        var paths = new TheoryData<string>();
        void Walk(System.CommandLine.Command command, string prefix)
        {
            foreach (System.CommandLine.Command sub in command.Subcommands)
            {
                string path = prefix.Length == 0 ? sub.Name : prefix + " " + sub.Name;
                paths.Add(path);
                Walk(sub, path);
            }
        }
        Walk(LockboxCli.BuildRoot(context), "");
        return paths;
    }

    /// <summary>
    /// <c>--help</c> after any command prints its usage, even when the command has required options (restore's
    /// <c>--to</c> once made the pre-run path check ask for its value and fail with "Unexpected error").
    /// </summary>
    [Theory]
    [MemberData(nameof(EveryCommand))]
    public async Task EveryCommandsHelpPrintsItsUsage(string command)
    {
        CliResult result = await _w.RunAsync([.. command.Split(' '), "--help"]);
        Assert.True(result.ExitCode == 0, $"exit {result.ExitCode}; {result.Error}");
        Assert.Contains("Usage:", result.Out, StringComparison.Ordinal);
        // "Usage:\n  <program> key show [options]" (the program's name is the test host's here).
        Assert.Matches(@"Usage:\s+\S+ " + System.Text.RegularExpressions.Regex.Escape(command) + @"(\s|$)", result.Out);
        Assert.Equal("", result.Error);
    }

    [Fact]
    public async Task VersionNamesTheProgramAndTheRepositoryFormats()
    {
        CliResult result = await _w.RunAsync("--version");
        result.AssertSuccess();
        string line = Assert.Single(result.Out.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries));
        Assert.StartsWith("lockbox ", line, StringComparison.Ordinal);
        Assert.Contains("; repository format 2 (reads and writes formats 1 to 2);", line, StringComparison.Ordinal);
    }
}
