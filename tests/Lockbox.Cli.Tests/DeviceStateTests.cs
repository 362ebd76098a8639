using System.Runtime.Versioning;
using Lockbox.Cli.Tests.Support;
using Lockbox.Client;
using Lockbox.Cryptography;

namespace Lockbox.Cli.Tests;

/// <summary>The device state directory: private, atomic, and loud when damaged.</summary>
[UnsupportedOSPlatform("windows")]
public sealed class DeviceStateTests : IDisposable
{
    private readonly Workspace _w = new();

    public void Dispose() => _w.Dispose();

    [Fact]
    public void SavedKeyLoadsBackIdenticalAndReplacesAtomically()
    {
        var state = new DeviceState(_w.Home);
        Assert.False(state.HasKey);
        Assert.Null(state.TryLoadKey());
        using BackupKey first = BackupKey.Generate();
        using BackupKey second = BackupKey.Generate();
        state.SaveKey(first);
        state.SaveKey(second);
        using BackupKey loaded = state.TryLoadKey()!;
        Assert.True(loaded.SameAs(second));
        Assert.Equal(["backup.key"], Directory.EnumerateFileSystemEntries(_w.Home).Select(Path.GetFileName));
    }

    [Fact]
    public void LooseExistingDirectoryIsTightenedTo0700()
    {
        Directory.CreateDirectory(_w.Home);
        File.SetUnixFileMode(_w.Home, (UnixFileMode)0b111_101_101);
        using BackupKey key = BackupKey.Generate();
        new DeviceState(_w.Home).SaveKey(key);
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute, File.GetUnixFileMode(_w.Home));
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(Path.Combine(_w.Home, "backup.key")));
    }

    [Fact]
    public void HomeDefaultsToDotLockboxInTheUserProfile()
    {
        string expected = Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".lockbox");
        Assert.Equal(expected, Context(_ => null).DeviceState().Directory);
        Assert.Equal(expected, DeviceState.ForUser().Directory);
        Assert.Equal(_w.Home, Context(n => n == "LOCKBOX_HOME" ? _w.Home : null).DeviceState().Directory);
    }

    [Fact]
    public void RepositoryFactsRoundTripPerAddress()
    {
        var state = new DeviceState(_w.Home);
        state.SaveFacts(new RepositoryFacts("s3://bucket/a", 7, "abc"));
        state.SaveFacts(new RepositoryFacts("/tmp/b", 2, null));
        Assert.Equal(new RepositoryFacts("s3://bucket/a", 7, "abc"), state.TryLoadFacts("s3://bucket/a"));
        Assert.Equal(new RepositoryFacts("/tmp/b", 2, null), state.TryLoadFacts("/tmp/b"));
        Assert.Null(state.TryLoadFacts("/tmp/c"));
    }

    [Fact]
    public async Task DamagedKeyFileIsReportedAsDamagedStateNotAsAWrongKey()
    {
        (await _w.RunAsync("init", "--repo", _w.Repository)).AssertSuccess();
        File.WriteAllText(Path.Combine(_w.Home, "backup.key"), "not a key at all\n");
        CliResult show = await _w.RunAsync("key", "show");
        show.AssertOneLineFailure(10, "damaged");
        Assert.DoesNotContain("not a key at all", show.Error, StringComparison.Ordinal);
        (await _w.RunAsync("snapshots", "--repo", _w.Repository)).AssertOneLineFailure(10, "damaged");
    }

    [Fact]
    public async Task KeyIsNeverPrintedInErrorsOrProgress()
    {
        CliResult init = await _w.RunAsync("init", "--repo", _w.Repository, "--json");
        string key = init.Summary().GetProperty("key").GetString()!;
        var chat = _w.MakeChat(mediaBytes: 1L << 20);
        CliResult backup = await _w.RunAsync("backup", "--repo", _w.Repository, "--db", chat.DatabasePath, "--media", chat.MediaDirectory);
        CliResult bad = await _w.RunAsync("backup", "--repo", _w.Repository, "--db", _w.PathOf("missing.db"));
        foreach (CliResult r in new[] { backup, bad })
        {
            Assert.DoesNotContain(key[..16], r.Out + r.Error, StringComparison.Ordinal);
            Assert.DoesNotContain(key[..4] + " " + key[4..8], r.Out + r.Error, StringComparison.Ordinal);
        }
    }

    private static CliContext Context(Func<string, string?> environment) =>
        new() { Out = TextWriter.Null, Error = TextWriter.Null, Environment = environment };
}
