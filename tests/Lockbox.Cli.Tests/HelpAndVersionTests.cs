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
