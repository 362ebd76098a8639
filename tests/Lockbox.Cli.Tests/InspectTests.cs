using System.Text.Json;
using Lockbox.Cli.Demo;
using Lockbox.Cli.Tests.Support;

namespace Lockbox.Cli.Tests;

/// <summary>Issue 13: lockbox ls, diff and stats, in text and as JSON lines.</summary>
public sealed class InspectTests : IDisposable
{
    private readonly Workspace _w = new();

    public void Dispose() => _w.Dispose();

    private static List<JsonElement> Lines(CliResult result)
    {
        result.AssertSuccess();
        return result.JsonLines();
    }

    private static List<string> MediaOf(string folder) =>
        Directory.EnumerateFiles(folder, "*", SearchOption.AllDirectories).Select(f => Path.GetRelativePath(folder, f).Replace('\\', '/')).Order(StringComparer.Ordinal).ToList();

    /// <summary>Two snapshots: between them the chat gains messages, one media file is added, one removed, one rewritten.</summary>
    private async Task<(GeneratedChat Chat, string Added, string Removed, string Changed)> TwoDaysAsync()
    {
        (await _w.RunAsync("init", "--repo", _w.Repository)).AssertSuccess();
        GeneratedChat chat = _w.MakeChat(mediaBytes: 3L << 20);
        (await _w.RunAsync("backup", "--repo", _w.Repository, "--db", chat.DatabasePath, "--media", chat.MediaDirectory)).AssertSuccess();
        List<string> media = MediaOf(chat.MediaDirectory);
        string removed = media[0], changed = media[1], added = "WhatsApp Images/IMG-NEW.jpg";
        File.Delete(Path.Combine(chat.MediaDirectory, removed));
        File.WriteAllBytes(Path.Combine(chat.MediaDirectory, changed), System.Security.Cryptography.RandomNumberGenerator.GetBytes(70_000));
        Directory.CreateDirectory(Path.Combine(chat.MediaDirectory, "WhatsApp Images"));
        File.WriteAllBytes(Path.Combine(chat.MediaDirectory, added), System.Security.Cryptography.RandomNumberGenerator.GetBytes(150_000));
        NextDay.Apply(chat.DatabasePath, 5);
        (await _w.RunAsync("backup", "--repo", _w.Repository, "--db", chat.DatabasePath, "--media", chat.MediaDirectory)).AssertSuccess();
        return (chat, added, removed, changed);
    }

    [Fact]
    public async Task LsListsTheDatabaseAndEveryMediaFileWithSizeAndTime()
    {
        var (chat, _, _, _) = await TwoDaysAsync();
        List<JsonElement> lines = Lines(await _w.RunAsync("ls", "--repo", _w.Repository, "--json"));
        Assert.Equal("snapshot", lines[0].GetProperty("messageType").GetString());
        Assert.Equal(2, lines[0].GetProperty("sequence").GetInt64());
        Assert.Equal("summary", lines[^1].GetProperty("messageType").GetString());
        var files = lines[1..^1];
        Assert.All(files, f => Assert.Equal("file", f.GetProperty("messageType").GetString()));
        Assert.Equal("msgstore.db", files[0].GetProperty("path").GetString());
        Assert.Equal("database", files[0].GetProperty("kind").GetString());
        var media = files.Skip(1).ToDictionary(f => f.GetProperty("path").GetString()!, f => f);
        Assert.Equal(MediaOf(chat.MediaDirectory).Select(p => "Media/" + p).Order(StringComparer.Ordinal), media.Keys.Order(StringComparer.Ordinal));
        foreach (string p in MediaOf(chat.MediaDirectory))
        {
            var info = new FileInfo(Path.Combine(chat.MediaDirectory, p));
            Assert.Equal(info.Length, media["Media/" + p].GetProperty("size").GetInt64());
            Assert.Equal(info.LastWriteTimeUtc, media["Media/" + p].GetProperty("modified").GetDateTimeOffset().UtcDateTime);
        }

        List<JsonElement> first = Lines(await _w.RunAsync("ls", "--repo", _w.Repository, "#1", "--json"));
        Assert.Equal(1, first[0].GetProperty("sequence").GetInt64());
        CliResult text = await _w.RunAsync("ls", "--repo", _w.Repository);
        text.AssertSuccess();
        Assert.Contains("Media/WhatsApp Images/IMG-NEW.jpg", text.Out, StringComparison.Ordinal);
        (await _w.RunAsync("ls", "--repo", _w.Repository, "#5")).AssertOneLineFailure(2, "#5");
    }

    [Fact]
    public async Task DiffNamesAddedRemovedAndChangedMediaAndCountsDatabasePages()
    {
        var (_, added, removed, changed) = await TwoDaysAsync();
        List<JsonElement> lines = Lines(await _w.RunAsync("diff", "--repo", _w.Repository, "#1", "#2", "--json"));
        var changes = lines.Where(l => l.GetProperty("messageType").GetString() == "change")
            .ToDictionary(l => l.GetProperty("path").GetString()!, l => l.GetProperty("change").GetString());
        Assert.Equal(new Dictionary<string, string?> { ["Media/" + added] = "added", ["Media/" + removed] = "removed", ["Media/" + changed] = "changed" }, changes);
        JsonElement summary = lines[^1];
        Assert.Equal("summary", summary.GetProperty("messageType").GetString());
        Assert.True(summary.GetProperty("databasePagesChanged").GetInt64() > 0);
        Assert.True(summary.GetProperty("newDataBytes").GetInt64() >= 150_000 + 70_000);

        List<JsonElement> same = Lines(await _w.RunAsync("diff", "--repo", _w.Repository, "#2", "latest", "--json"));
        Assert.Single(same);
        Assert.Equal(0, same[0].GetProperty("databasePagesChanged").GetInt64());
        Assert.Equal(0, same[0].GetProperty("newDataBytes").GetInt64());

        CliResult text = await _w.RunAsync("diff", "--repo", _w.Repository, "#1", "#2");
        text.AssertSuccess();
        Assert.Contains("+    Media/" + added, text.Out, StringComparison.Ordinal);
        Assert.Contains("-    Media/" + removed, text.Out, StringComparison.Ordinal);
        Assert.Contains("M    Media/" + changed, text.Out, StringComparison.Ordinal);
    }

    [Fact]
    public async Task StatsAddsUpTheSnapshotsAndTheStore()
    {
        await TwoDaysAsync();
        CliResult list = await _w.RunAsync("snapshots", "--repo", _w.Repository, "--json");
        list.AssertSuccess();
        var all = list.JsonLines("snapshot");
        long logical = all.Sum(s => s.GetProperty("databaseBytes").GetInt64() + s.GetProperty("mediaBytes").GetInt64());
        long stored = new[] { "data", "index", "snapshots" }.Sum(d => Directory.EnumerateFiles(Path.Combine(_w.Repository, d), "*", SearchOption.AllDirectories).Sum(f => new FileInfo(f).Length));

        JsonElement stats = Assert.Single(Lines(await _w.RunAsync("stats", "--repo", _w.Repository, "--json")));
        Assert.Equal("summary", stats.GetProperty("messageType").GetString());
        Assert.Equal(2, stats.GetProperty("snapshots").GetInt32());
        Assert.Equal(logical, stats.GetProperty("logicalBytes").GetInt64());
        Assert.Equal(stored, stats.GetProperty("repositoryBytes").GetInt64());
        Assert.Equal(Math.Round((double)logical / stored, 3), stats.GetProperty("dedupRatio").GetDouble());
        Assert.True(stats.GetProperty("uniqueBytes").GetInt64() < logical);
        // Both backups ran today (UTC): the latest day is both of them.
        Assert.Equal(all[^1].GetProperty("time").GetDateTimeOffset().UtcDateTime.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture), stats.GetProperty("latestDay").GetString());
        Assert.Equal(all.Count(s => s.GetProperty("time").GetDateTimeOffset().UtcDateTime.Date == all[^1].GetProperty("time").GetDateTimeOffset().UtcDateTime.Date),
            stats.GetProperty("latestDaySnapshots").GetInt32());

        CliResult text = await _w.RunAsync("stats", "--repo", _w.Repository);
        text.AssertSuccess();
        Assert.Contains("dedup ratio", text.Out, StringComparison.Ordinal);
    }
}
