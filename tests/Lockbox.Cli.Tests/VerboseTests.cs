using System.Text.Json;
using Lockbox.Cli.Demo;
using Lockbox.Cli.Tests.Support;

namespace Lockbox.Cli.Tests;

/// <summary>Issue 13: the global <c>-v/--verbose</c>, as restic's: what a backup added or changed, what a restore wrote.</summary>
public sealed class VerboseTests : IDisposable
{
    private readonly Workspace _w = new();

    public void Dispose() => _w.Dispose();

    private static List<string> MediaOf(string folder) =>
        [.. Directory.EnumerateFiles(folder, "*", SearchOption.AllDirectories).Select(f => "Media/" + Path.GetRelativePath(folder, f).Replace('\\', '/')).Order(StringComparer.Ordinal)];

    [Fact]
    public async Task BackupListsEachMediaFileAddedOrChangedAndTheDatabasePages()
    {
        (await _w.RunAsync("init", "--repo", _w.Repository)).AssertSuccess();
        GeneratedChat chat = _w.MakeChat(mediaBytes: 1L << 20);
        CliResult first = await _w.RunAsync("backup", "-v", "--repo", _w.Repository, "--db", chat.DatabasePath, "--media", chat.MediaDirectory);
        first.AssertSuccess();
        string[] lines = first.Out.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        // The first snapshot of a source adds everything: each media file, then the database, then the result line.
        Assert.Equal([.. MediaOf(chat.MediaDirectory), "msgstore.db"], lines[..^1].Select(l => l["added     ".Length..l.LastIndexOf(" (", StringComparison.Ordinal)]));
        Assert.All(lines[..^1], l => Assert.StartsWith("added     ", l, StringComparison.Ordinal));
        Assert.StartsWith("Snapshot ", lines[^1], StringComparison.Ordinal);

        // A day later: a new photo, one rewritten, one deleted, and new messages in the database.
        List<string> media = MediaOf(chat.MediaDirectory);
        string removed = media[0], changed = media[1], added = "Media/WhatsApp Images/IMG-NEW.jpg";
        string Local(string path) => Path.Combine(chat.MediaDirectory, path["Media/".Length..]);
        File.Delete(Local(removed));
        File.WriteAllBytes(Local(changed), System.Security.Cryptography.RandomNumberGenerator.GetBytes(50_000));
        Directory.CreateDirectory(Path.GetDirectoryName(Local(added))!);
        File.WriteAllBytes(Local(added), System.Security.Cryptography.RandomNumberGenerator.GetBytes(70_000));
        NextDay.Apply(chat.DatabasePath, 5);
        CliResult second = await _w.RunAsync("backup", "--verbose", "--repo", _w.Repository, "--db", chat.DatabasePath, "--media", chat.MediaDirectory, "--json", "--no-progress");
        second.AssertSuccess();
        var verbose = second.JsonLines("verbose").ToDictionary(l => l.GetProperty("path").GetString()!, l => l.GetProperty("action").GetString());
        Assert.Equal(new Dictionary<string, string?>
        {
            [added] = "added",
            [changed] = "changed",
            [removed] = "removed",
            ["msgstore.db"] = "changed",
        }, verbose);
        JsonElement database = second.JsonLines("verbose").Single(l => l.GetProperty("path").GetString() == "msgstore.db");
        Assert.True(database.GetProperty("pages").GetInt64() > 0);
        Assert.Equal("summary", second.JsonLines()[^1].GetProperty("messageType").GetString());
    }

    [Fact]
    public async Task RestoreListsEachFileItWrote()
    {
        (await _w.RunAsync("init", "--repo", _w.Repository)).AssertSuccess();
        GeneratedChat chat = _w.MakeChat(mediaBytes: 1L << 20);
        (await _w.RunAsync("backup", "--repo", _w.Repository, "--db", chat.DatabasePath, "--media", chat.MediaDirectory)).AssertSuccess();

        CliResult all = await _w.RunAsync("restore", "--repo", _w.Repository, "--to", _w.PathOf("out"), "-v");
        all.AssertSuccess();
        string[] lines = all.Out.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(["msgstore.db", .. MediaOf(chat.MediaDirectory)], lines[..^1].Select(l => l["restored  ".Length..l.LastIndexOf(" (", StringComparison.Ordinal)]));
        Assert.StartsWith("Restored snapshot ", lines[^1], StringComparison.Ordinal);

        CliResult dbOnly = await _w.RunAsync("restore", "--repo", _w.Repository, "--to", _w.PathOf("db"), "--db-only", "-v", "--json");
        dbOnly.AssertSuccess();
        JsonElement only = Assert.Single(dbOnly.JsonLines("verbose"));
        Assert.Equal("msgstore.db", only.GetProperty("path").GetString());
        Assert.Equal("restored", only.GetProperty("action").GetString());
    }

    [Fact]
    public async Task QuietAndVerboseTogetherAreAUsageError()
    {
        CliResult result = await _w.RunAsync("-q", "snapshots", "-v", "--repo", _w.Repository);
        result.AssertOneLineFailure(2, "-q/--quiet and -v/--verbose exclude each other");
    }
}
