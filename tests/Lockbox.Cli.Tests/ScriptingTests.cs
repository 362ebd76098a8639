using Lockbox.Cli.Demo;
using Lockbox.Cli.Tests.Support;

namespace Lockbox.Cli.Tests;

/// <summary>Scripting conventions restic and borg users expect: the repository and secrets from the environment or files.</summary>
public sealed class ScriptingTests : IDisposable
{
    private readonly Workspace _w = new();

    public void Dispose() => _w.Dispose();

    [Fact]
    public async Task RepositoryVariableStandsInForRepoAndTheFlagWins()
    {
        var environment = new Dictionary<string, string> { ["LOCKBOX_REPOSITORY"] = _w.Repository };
        (await _w.RunWithEnvironmentAsync(_w.Home, environment, "init")).AssertSuccess();
        Assert.True(File.Exists(Path.Combine(_w.Repository, "config")));

        GeneratedChat chat = _w.MakeChat(mediaBytes: 0);
        (await _w.RunWithEnvironmentAsync(_w.Home, environment, "backup", "--db", chat.DatabasePath)).AssertSuccess();
        CliResult listed = await _w.RunWithEnvironmentAsync(_w.Home, environment, "snapshots", "--json");
        listed.AssertSuccess();
        Assert.Single(listed.JsonLines("snapshot"));
        Assert.Equal(1, listed.Summary().GetProperty("snapshots").GetInt32());

        // --repo names another repository: it wins over the variable.
        string other = _w.PathOf("other");
        (await _w.RunWithEnvironmentAsync(_w.Home, environment, "init", "--repo", other)).AssertSuccess();
        Assert.True(File.Exists(Path.Combine(other, "config")));
        CliResult otherListed = await _w.RunWithEnvironmentAsync(_w.Home, environment, "snapshots", "--json", "--repo", other);
        otherListed.AssertSuccess();
        Assert.Empty(otherListed.JsonLines("snapshot"));
        Assert.Equal(0, otherListed.Summary().GetProperty("snapshots").GetInt32());
    }

    [Fact]
    public async Task WithoutFlagOrVariableRepoIsStillRequired()
    {
        CliResult result = await _w.RunWithEnvironmentAsync(_w.Home, new Dictionary<string, string>(), "snapshots");
        Assert.Equal(2, result.ExitCode);
        Assert.Contains("--repo", result.Error, StringComparison.Ordinal);
    }
}
