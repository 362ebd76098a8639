using System.Text.Json;
using Lockbox.Cli.Demo;
using Lockbox.Cli.Tests.Support;

namespace Lockbox.Cli.Tests;

/// <summary>restore --db-only and the time to messages, through the CLI.</summary>
public sealed class MessagesFirstTests : IDisposable
{
    private readonly Workspace _w = new();

    public void Dispose() => _w.Dispose();

    [Fact]
    public async Task DbOnlyRestoresTheChatsWithoutMediaAndReportsTimeToMessages()
    {
        (await _w.RunAsync("init", "--repo", _w.Repository)).AssertSuccess();
        GeneratedChat chat = _w.MakeChat();
        (await _w.RunAsync("backup", "--repo", _w.Repository, "--db", chat.DatabasePath, "--media", chat.MediaDirectory)).AssertSuccess();
        NextDay.Apply(chat.DatabasePath, 9);
        (await _w.RunAsync("backup", "--repo", _w.Repository, "--db", chat.DatabasePath, "--media", chat.MediaDirectory)).AssertSuccess();

        string target = _w.PathOf("restored");
        CliResult restore = await _w.RunAsync("restore", "--repo", _w.Repository, "--to", target, "--db-only", "--json");
        restore.AssertSuccess();
        JsonElement json = restore.Summary();
        Assert.Equal(0, json.GetProperty("mediaFiles").GetInt32());
        double toMessages = json.GetProperty("secondsToMessages").GetDouble();
        Assert.True(toMessages > 0 && toMessages <= json.GetProperty("seconds").GetDouble());
        Assert.False(Directory.Exists(Path.Combine(target, ChatGenerator.MediaFolderName)));

        // The database is the second day's, row for row (its media folder is compared empty against an empty one).
        string noMedia = _w.PathOf("no-media");
        Directory.CreateDirectory(noMedia);
        IReadOnlyList<string> problems = ChatComparer.Compare(chat.DatabasePath, Path.Combine(target, ChatGenerator.DatabaseFileName),
            noMedia, noMedia, out long rows, out _);
        Assert.Empty(problems);
        Assert.True(rows > chat.Messages);
    }
}
