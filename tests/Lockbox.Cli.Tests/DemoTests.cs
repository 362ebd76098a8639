using System.Security.Cryptography;
using Lockbox.Cli.Demo;
using Lockbox.Cli.Tests.Support;
using Microsoft.Data.Sqlite;

namespace Lockbox.Cli.Tests;

/// <summary>The demo end to end, and the chat generator it and benchmarks/compare.sh use.</summary>
public sealed class DemoTests : IDisposable
{
    private readonly Workspace _w = new();

    public void Dispose() => _w.Dispose();

    [Fact]
    public async Task DemoBacksUpRestoresOnANewDeviceAndFindsEverythingIdentical()
    {
        string keep = _w.PathOf("demo");
        CliResult demo = await _w.RunAsync("demo", "--only", "digits", "--messages", "2000", "--media-mib", "3", "--keep", keep);
        demo.AssertSuccess();
        Assert.Contains("identical:", demo.Out, StringComparison.Ordinal);
        Assert.Matches(@"\[8\] Check the restored chat", demo.Out);
        Assert.True(File.Exists(Path.Combine(keep, "new-phone", "msgstore.db")));
        Assert.DoesNotContain(Directory.EnumerateFileSystemEntries(Path.Combine(keep, "new-phone-state")), p => p.EndsWith(".tmp", StringComparison.Ordinal));
    }

    [Fact]
    public async Task DemoWithoutArgumentsRunsEveryKeyModeAndRemovesItsFolders()
    {
        CliResult demo = await _w.RunAsync("demo", "--messages", "500", "--media-mib", "1");
        demo.AssertSuccess();
        string[] folders = System.Text.RegularExpressions.Regex.Matches(demo.Out, @"^Lockbox demo \(.*\) in (.+)$", System.Text.RegularExpressions.RegexOptions.Multiline)
            .Select(m => m.Groups[1].Value.Trim()).ToArray();
        Assert.NotEmpty(folders);
        Assert.Equal(folders.Length, System.Text.RegularExpressions.Regex.Matches(demo.Out, "identical:").Count);
        foreach (string folder in folders)
        {
            Assert.StartsWith(Path.GetTempPath(), folder, StringComparison.Ordinal);
            Assert.False(Directory.Exists(folder));
        }
    }

    [Fact]
    public void GeneratorIsReproducibleAndWritesAWalDatabaseWithForwardedMedia()
    {
        GeneratedChat a = _w.MakeChat("a", messages: 3_000, mediaBytes: 6L << 20, seed: 11);
        GeneratedChat b = _w.MakeChat("b", messages: 3_000, mediaBytes: 6L << 20, seed: 11);
        Assert.Empty(ChatComparer.Compare(a.DatabasePath, b.DatabasePath, a.MediaDirectory, b.MediaDirectory, out long rows, out int files));
        Assert.True(rows >= 3_000);
        Assert.Equal(a.MediaFiles, files);
        Assert.True(a.MediaBytes >= 6L << 20);

        // Forwarded: the same bytes at several paths.
        var hashes = Directory.EnumerateFiles(a.MediaDirectory, "*", SearchOption.AllDirectories)
            .Select(f => Convert.ToHexString(SHA256.HashData(File.ReadAllBytes(f)))).ToList();
        Assert.True(hashes.Count > hashes.Distinct().Count(), "expected some forwarded (duplicate) media");
        Assert.Contains(Directory.EnumerateFiles(a.MediaDirectory, "*", SearchOption.AllDirectories), f => f.Any(c => c > 127));

        using var connection = new SqliteConnection($"Data Source={a.DatabasePath};Pooling=False");
        connection.Open();
        using SqliteCommand mode = connection.CreateCommand();
        mode.CommandText = "PRAGMA journal_mode";
        Assert.Equal("wal", (string)mode.ExecuteScalar()!);
        using SqliteCommand linked = connection.CreateCommand();
        linked.CommandText = "SELECT count(*) FROM message_media";
        Assert.Equal((long)a.MediaFiles, (long)linked.ExecuteScalar()!);
    }

    [Fact]
    public void NextDayAddsAboutOnePercentAndEditsScatteredRows()
    {
        GeneratedChat chat = _w.MakeChat(messages: 10_000, mediaBytes: 0);
        (long added, int edited) = NextDay.Apply(chat.DatabasePath, 1);
        Assert.Equal(100, added);
        // Spread over every chat (issue 12): 5 read receipts in each of the 12 chats, 300 scattered status edits
        // (0.1% of 10,000 is fewer), and 20 reactions each with a late group receipt.
        Assert.Equal(12 * 5 + 300 + 2 * 20, edited);
        using var connection = new SqliteConnection($"Data Source={chat.DatabasePath};Pooling=False");
        connection.Open();
        using SqliteCommand count = connection.CreateCommand();
        count.CommandText = "SELECT count(*) FROM message";
        Assert.Equal(10_100L, (long)count.ExecuteScalar()!);
    }

    [Fact]
    public async Task GenerateCommandHonoursSize()
    {
        CliResult result = await _w.RunAsync("demo", "generate", "--to", _w.PathOf("gen"), "--size", "8MiB");
        result.AssertSuccess();
        long media = Directory.EnumerateFiles(_w.PathOf("gen/Media"), "*", SearchOption.AllDirectories).Sum(f => new FileInfo(f).Length);
        Assert.InRange(media, 4L << 20, 12L << 20);
        Assert.InRange(new FileInfo(_w.PathOf("gen/msgstore.db")).Length, 3L << 20, 8L << 20);

        (await _w.RunAsync("demo", "generate", "--to", _w.PathOf("gen"), "--size", "8MB")).AssertOneLineFailure(2, "already holds a chat");
        (await _w.RunAsync("demo", "generate", "--to", _w.PathOf("gen2"), "--size", "lots")).AssertOneLineFailure(2, "--size");
    }
}
