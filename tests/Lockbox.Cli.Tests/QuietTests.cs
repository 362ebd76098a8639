using Lockbox.Cli.Demo;
using Lockbox.Cli.Tests.Support;

namespace Lockbox.Cli.Tests;

/// <summary>The global <c>-q/--quiet</c> and <c>--no-progress</c>, anywhere on the command line, as restic's.</summary>
public sealed class QuietTests : IDisposable
{
    private readonly Workspace _w = new();

    public void Dispose() => _w.Dispose();

    private async Task<GeneratedChat> InitAsync()
    {
        (await _w.RunAsync("init", "--repo", _w.Repository)).AssertSuccess();
        return _w.MakeChat(mediaBytes: 1L << 20);
    }

    [Fact]
    public async Task ABackupShowsProgressLinesByDefault()
    {
        GeneratedChat chat = await InitAsync();
        CliResult backup = await _w.RunAsync("backup", "--repo", _w.Repository, "--db", chat.DatabasePath, "--media", chat.MediaDirectory);
        backup.AssertSuccess();
        Assert.Contains("backup: copying the chat database", backup.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task NoProgressHidesProgressAndKeepsTheResult()
    {
        GeneratedChat chat = await InitAsync();
        CliResult backup = await _w.RunAsync("backup", "--no-progress", "--repo", _w.Repository, "--db", chat.DatabasePath, "--media", chat.MediaDirectory);
        backup.AssertSuccess();
        Assert.Equal("", backup.Error);
        Assert.StartsWith("Snapshot ", backup.Out, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("-q")]
    [InlineData("--quiet")]
    public async Task QuietPrintsOnlyTheResult(string flag)
    {
        GeneratedChat chat = await InitAsync();
        CliResult backup = await _w.RunAsync(flag, "backup", "--repo", _w.Repository, "--db", chat.DatabasePath, "--media", chat.MediaDirectory);
        backup.AssertSuccess();
        Assert.Equal("", backup.Error);
        Assert.Single(backup.Out.Split('\n', StringSplitOptions.RemoveEmptyEntries));

        CliResult restore = await _w.RunAsync("restore", "--repo", _w.Repository, "--to", _w.PathOf("out"), flag);
        restore.AssertSuccess();
        Assert.Equal("", restore.Error);
    }

    [Fact]
    public async Task QuietStillReportsErrors()
    {
        await InitAsync();
        CliResult result = await _w.RunAsync("-q", "backup", "--repo", _w.Repository, "--db", _w.PathOf("nope.db"));
        result.AssertOneLineFailure(6, "does not exist");
    }
}
