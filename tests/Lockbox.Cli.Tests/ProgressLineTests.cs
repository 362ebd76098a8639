using System.Text.RegularExpressions;
using Lockbox.Cli.Tests.Support;

namespace Lockbox.Cli.Tests;

/// <summary>
/// Issue 13: progress that means something when stderr is redirected (a log): the source in pages and files, phases in
/// words, bytes of a known total with a percentage, no "0 B of 0 B"; the result says what was written and labels the
/// repository's size.
/// </summary>
public sealed partial class ProgressLineTests : IDisposable
{
    private readonly Workspace _w = new();

    public void Dispose() => _w.Dispose();

    [GeneratedRegex(@"^backup: msgstore\.db: [0-9,]+ pages of 4\.0 KiB \([0-9.]+ (KiB|MiB)\); [0-9,]+ media files \([0-9.]+ (B|KiB|MiB)\)$")]
    private static partial Regex SourceLine();

    [GeneratedRegex(@"^(backup|restore): [a-z ;,()']+: [0-9.]+ (B|KiB|MiB) of [0-9.]+ (B|KiB|MiB) \([0-9]{1,3}%\), [0-9,]+ of [0-9,]+ files(, [0-9.]+ (B|KiB|MiB|GiB)/s(, [0-9]+ s left|, [0-9]+ min [0-9]+ s left)?)?$")]
    private static partial Regex MeasuredLine();

    [Fact]
    public async Task BackupAndRestoreLinesSayWhatTheyCountAndNeverZeroOfZero()
    {
        (await _w.RunAsync("init", "--repo", _w.Repository)).AssertSuccess();
        var chat = _w.MakeChat(messages: 40_000, mediaBytes: 24L << 20);
        CliResult backup = await _w.RunAsync("backup", "--repo", _w.Repository, "--db", chat.DatabasePath, "--media", chat.MediaDirectory);
        backup.AssertSuccess();
        string[] lines = backup.Error.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Matches(SourceLine(), lines[0]);
        Assert.Equal("backup: copying the chat database (SQLite's consistent copy)", lines[1]);
        Assert.Equal("backup: finishing", lines[^1]);
        string[] measured = lines[2..^1];
        Assert.NotEmpty(measured); // more than 16 MiB to read: the engine reports at least once
        Assert.All(measured, l => Assert.Matches(MeasuredLine(), l));
        Assert.All(measured, l => Assert.StartsWith("backup: reading, encrypting and uploading: ", l, StringComparison.Ordinal));
        Assert.True(measured.Length <= 11, $"at most one line per tenth: {measured.Length}");
        Assert.DoesNotContain(" 0 B of 0 B", backup.Error, StringComparison.Ordinal);
        Assert.Matches(@"; [0-9.]+ (KiB|MiB) written to the repository \(repository size [0-9.]+ (KiB|MiB)\)\.$", backup.Out.TrimEnd());

        CliResult restore = await _w.RunAsync("restore", "--repo", _w.Repository, "--to", _w.PathOf("out"));
        restore.AssertSuccess();
        string[] restoreLines = restore.Error.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Contains("restore: the messages are in place; restoring the media", restoreLines);
        Assert.Equal("restore: putting the media in place", restoreLines[^1]);
        Assert.All(restoreLines.Where(l => l.Contains(" of ", StringComparison.Ordinal)), l => Assert.Matches(MeasuredLine(), l));
        Assert.DoesNotContain(" 0 B of 0 B", restore.Error, StringComparison.Ordinal);
    }
}
