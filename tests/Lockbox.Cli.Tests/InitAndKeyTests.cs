using System.Text.Json;
using Lockbox.Cli.Tests.Support;

namespace Lockbox.Cli.Tests;

/// <summary><c>lockbox init</c> and <c>lockbox key show</c>: the 64-digit key and the device state that keeps it.</summary>
public sealed class InitAndKeyTests : IDisposable
{
    private readonly Workspace _w = new();

    public void Dispose() => _w.Dispose();

    [Fact]
    public async Task InitJsonPrintsA64DigitKeyThatKeyShowRepeats()
    {
        CliResult init = await _w.RunAsync("init", "--repo", _w.Repository, "--json");
        init.AssertSuccess();
        JsonElement json = init.Summary();
        string key = json.GetProperty("key").GetString()!;
        Assert.Matches("^[0-9a-f]{64}$", key);
        Assert.Equal("generated", json.GetProperty("keySource").GetString());

        CliResult show = await _w.RunAsync("key", "show", "--json");
        show.AssertSuccess();
        JsonElement shown = show.Summary();
        Assert.Equal(key, shown.GetProperty("key").GetString());

        CliResult human = await _w.RunAsync("key", "show");
        Assert.Equal(string.Join(' ', key.Chunk(4).Select(c => new string(c))), human.Out.Trim());
    }

    [Fact]
    public async Task InitHumanOutputShowsTheKeyInGroupsOfFour()
    {
        CliResult init = await _w.RunAsync("init", "--repo", _w.Repository);
        init.AssertSuccess();
        Assert.Matches(@"\n\s+([0-9a-f]{4} ){15}[0-9a-f]{4}\s*\n", init.Out);
    }

    [Fact]
    [System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
    public async Task DeviceStateIsPrivateToTheUser()
    {
        (await _w.RunAsync("init", "--repo", _w.Repository)).AssertSuccess();
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute, File.GetUnixFileMode(_w.Home));
        foreach (string file in Directory.EnumerateFiles(_w.Home, "*", SearchOption.AllDirectories))
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(file));
        Assert.Empty(Directory.EnumerateFiles(_w.Home, "*.tmp", SearchOption.AllDirectories));
    }

    [Fact]
    public async Task InitTwiceOnOneFolderRefusesAndKeepsTheRepository()
    {
        (await _w.RunAsync("init", "--repo", _w.Repository)).AssertSuccess();
        byte[] config = File.ReadAllBytes(Path.Combine(_w.Repository, "config"));
        CliResult again = await _w.RunAsync("init", "--repo", _w.Repository);
        again.AssertOneLineFailure(4, "already");
        Assert.Equal(config, File.ReadAllBytes(Path.Combine(_w.Repository, "config")));
    }

    [Fact]
    public async Task KeyShowOnANewDeviceSaysThereIsNoKey()
    {
        CliResult show = await _w.RunAsync("key", "show");
        show.AssertOneLineFailure(2, "no backup key");
        Assert.Equal("", show.Out);
    }

    [Fact]
    public async Task UnknownOptionIsAUsageError()
    {
        CliResult result = await _w.RunAsync("backup", "--repo", _w.Repository, "--db", "x", "--bogus");
        Assert.Equal(2, result.ExitCode);
        Assert.Contains("--bogus", result.Error, StringComparison.Ordinal);
        result.AssertNoStackTrace();
    }
}
