using System.Security.Cryptography;
using System.Text.Json;
using Lockbox.Cli.Demo;
using Lockbox.Cli.Tests.Support;

namespace Lockbox.Cli.Tests;

/// <summary>Every bad input gets one clear line, its documented exit code, and loses no data.</summary>
public sealed class BadInputTests : IDisposable
{
    private readonly Workspace _w = new();

    public void Dispose() => _w.Dispose();

    private async Task<(string Key, GeneratedChat Chat)> BackedUpAsync()
    {
        CliResult init = await _w.RunAsync("init", "--repo", _w.Repository, "--json");
        init.AssertSuccess();
        JsonElement json = init.Summary();
        GeneratedChat chat = _w.MakeChat(mediaBytes: 1L << 20);
        (await _w.RunAsync("backup", "--repo", _w.Repository, "--db", chat.DatabasePath, "--media", chat.MediaDirectory)).AssertSuccess();
        return (json.GetProperty("key").GetString()!, chat);
    }

    [Fact]
    public async Task WrongKeyIsReportedAsWrongKeyAndWritesNothing()
    {
        await BackedUpAsync();
        string wrong = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(32));
        string target = _w.PathOf("out");
        CliResult restore = await _w.RunAsAsync(_w.PathOf("new-device"), wrong, "restore", "--repo", _w.Repository, "--to", target);
        restore.AssertOneLineFailure(3, "wrong key");
        Assert.False(Directory.Exists(target) && Directory.EnumerateFileSystemEntries(target).Any());
        // A key that failed is not adopted by the new device.
        Assert.False(File.Exists(Path.Combine(_w.PathOf("new-device"), "backup.key")));

        (await _w.RunAsAsync(_w.PathOf("new-device"), wrong, "snapshots", "--repo", _w.Repository)).AssertOneLineFailure(3, "wrong key");
    }

    [Theory]
    [InlineData("0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdeX", "invalid character 'X' at position 64")]
    [InlineData("0123 4567", "has 8 digits, not 64")]
    [InlineData("0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef00", "has 66 digits")]
    public async Task MalformedKeyNamesWhatIsWrong(string key, string expected)
    {
        await BackedUpAsync();
        CliResult result = await _w.RunAsAsync(_w.PathOf("new-device"), key, "restore", "--repo", _w.Repository, "--to", _w.PathOf("out"));
        result.AssertOneLineFailure(2, expected);
        Assert.False(Directory.Exists(_w.PathOf("out")));
    }

    [Fact]
    public async Task NewDeviceWithoutKeyOrTerminalSaysHowToGiveTheKey()
    {
        await BackedUpAsync();
        CliResult result = await _w.RunAsAsync(_w.PathOf("new-device"), null, "restore", "--repo", _w.Repository, "--to", _w.PathOf("out"));
        result.AssertOneLineFailure(2, "LOCKBOX_KEY");
    }

    [Fact]
    public async Task MissingDatabaseIsABadSource()
    {
        (await _w.RunAsync("init", "--repo", _w.Repository)).AssertSuccess();
        CliResult result = await _w.RunAsync("backup", "--repo", _w.Repository, "--db", _w.PathOf("nope.db"));
        result.AssertOneLineFailure(6, "does not exist");
    }

    [Fact]
    public async Task MissingMediaFolderIsABadSource()
    {
        (await _w.RunAsync("init", "--repo", _w.Repository)).AssertSuccess();
        GeneratedChat chat = _w.MakeChat(mediaBytes: 0);
        CliResult result = await _w.RunAsync("backup", "--repo", _w.Repository, "--db", chat.DatabasePath, "--media", _w.PathOf("no-media"));
        result.AssertOneLineFailure(6, "does not exist");
    }

    [Fact]
    public async Task NonSqliteDatabaseIsABadSourceAndAddsNoSnapshot()
    {
        (await _w.RunAsync("init", "--repo", _w.Repository)).AssertSuccess();
        string notDb = _w.PathOf("notes.db");
        File.WriteAllText(notDb, "these are my notes, not a database\n");
        CliResult result = await _w.RunAsync("backup", "--repo", _w.Repository, "--db", notDb);
        result.AssertOneLineFailure(6, "not an SQLite database");
        Assert.Equal("these are my notes, not a database\n", File.ReadAllText(notDb));
        CliResult list = await _w.RunAsync("snapshots", "--repo", _w.Repository, "--json");
        list.AssertSuccess();
        Assert.Empty(list.JsonLines("snapshot"));
    }

    [Fact]
    public async Task FolderThatIsNotARepositoryIsReportedAsSuch()
    {
        (await _w.RunAsync("init", "--repo", _w.Repository)).AssertSuccess();
        string plain = _w.PathOf("holiday-photos");
        Directory.CreateDirectory(plain);
        File.WriteAllText(Path.Combine(plain, "beach.jpg"), "jpeg");
        CliResult result = await _w.RunAsync("snapshots", "--repo", plain);
        result.AssertOneLineFailure(4, "not a Lockbox repository");
        Assert.Equal(["beach.jpg"], Directory.EnumerateFileSystemEntries(plain).Select(Path.GetFileName));

        (await _w.RunAsync("verify", "--repo", _w.PathOf("does-not-exist"))).AssertOneLineFailure(4, "not a Lockbox repository");
    }

    [Fact]
    public async Task RestoreRefusesToOverwriteExistingFilesUnlessTold()
    {
        (_, GeneratedChat chat) = await BackedUpAsync();
        string target = _w.PathOf("out");
        Directory.CreateDirectory(target);
        string existing = Path.Combine(target, "msgstore.db");
        File.WriteAllText(existing, "the only copy of something precious");

        CliResult refused = await _w.RunAsync("restore", "--repo", _w.Repository, "--to", target);
        refused.AssertOneLineFailure(9, "--overwrite");
        Assert.Equal("the only copy of something precious", File.ReadAllText(existing));

        (await _w.RunAsync("restore", "--repo", _w.Repository, "--to", target, "--overwrite")).AssertSuccess();
        Assert.Empty(ChatComparer.Compare(chat.DatabasePath, existing, chat.MediaDirectory, Path.Combine(target, ChatGenerator.MediaFolderName), out _, out _));
    }

    [Fact]
    public async Task UnknownSnapshotIsOneLine()
    {
        await BackedUpAsync();
        CliResult result = await _w.RunAsync("restore", "--repo", _w.Repository, "--to", _w.PathOf("out"), "--snapshot", "ffffffffffff");
        Assert.NotEqual(0, result.ExitCode);
        Assert.Single(result.Error.Split('\n', StringSplitOptions.RemoveEmptyEntries), l => l.StartsWith("lockbox:", StringComparison.Ordinal));
        result.AssertNoStackTrace();
    }

    [Fact]
    public async Task TamperedPackIsReportedAsDamagedByVerifyAndRestoreWritesNoWrongFile()
    {
        await BackedUpAsync();
        string pack = Directory.EnumerateFiles(Path.Combine(_w.Repository, "data"), "*", SearchOption.AllDirectories).OrderByDescending(f => new FileInfo(f).Length).First();
        byte[] bytes = File.ReadAllBytes(pack);
        bytes[bytes.Length / 3] ^= 0x40;
        File.WriteAllBytes(pack, bytes);

        CliResult verify = await _w.RunAsync("verify", "--repo", _w.Repository, "--read-data");
        Assert.Equal(5, verify.ExitCode);
        verify.AssertNoStackTrace();

        string target = _w.PathOf("out");
        CliResult restore = await _w.RunAsync("restore", "--repo", _w.Repository, "--to", target);
        // Issue 13: the restore goes on past the damaged pack (exit 16, "restore incomplete") and writes no damaged file.
        restore.AssertOneLineFailure(16, "restore incomplete");
    }

    [Fact]
    public async Task HiddenNewestSnapshotIsNoticedAsARollback()
    {
        (_, GeneratedChat chat) = await BackedUpAsync();
        NextDay.Apply(chat.DatabasePath, 5);
        (await _w.RunAsync("backup", "--repo", _w.Repository, "--db", chat.DatabasePath, "--media", chat.MediaDirectory)).AssertSuccess();

        // A malicious store hides the newest snapshot manifest: the chain left behind is valid, only the device can tell.
        string newest = Directory.EnumerateFiles(Path.Combine(_w.Repository, "snapshots"), "*", SearchOption.AllDirectories)
            .OrderByDescending(File.GetLastWriteTimeUtc).First();
        File.Move(newest, _w.PathOf("hidden-manifest"));

        CliResult list = await _w.RunAsync("snapshots", "--repo", _w.Repository);
        list.AssertOneLineFailure(5, "roll");
        CliResult backup = await _w.RunAsync("backup", "--repo", _w.Repository, "--db", chat.DatabasePath);
        backup.AssertOneLineFailure(5, "roll");
    }

    [Fact]
    public async Task ForgetMustKeepAtLeastOneSnapshot()
    {
        await BackedUpAsync();
        CliResult result = await _w.RunAsync("forget", "--repo", _w.Repository, "--keep-last", "0", "--prune");
        Assert.Equal(2, result.ExitCode);
        Assert.Contains("--keep-last must be at least 1", result.Error, StringComparison.Ordinal);
        CliResult list = await _w.RunAsync("snapshots", "--repo", _w.Repository, "--json");
        Assert.Contains("\"sequence\":1", list.Out, StringComparison.Ordinal);
    }
}
