using Lockbox.Cli.Demo;
using Lockbox.Cli.Tests.Support;

namespace Lockbox.Cli.Tests;

/// <summary>Ctrl-C part-way through a backup: a clean one-line stop, and a repository that still verifies.</summary>
public sealed class CancellationTests : IDisposable
{
    private readonly Workspace _w = new();

    public void Dispose() => _w.Dispose();

    [Fact]
    public async Task CtrlCDuringBackupStopsCleanlyAndLeavesAVerifiableRepository()
    {
        (await _w.RunAsync("init", "--repo", _w.Repository)).AssertSuccess();
        GeneratedChat chat = _w.MakeChat(messages: 3_000, mediaBytes: 40L << 20);

        // "Press Ctrl-C" as soon as the backup reports progress on its media.
        using var stop = new CancellationTokenSource();
        var observer = new ObservingWriter(line =>
        {
            if (line.StartsWith("backup: reading, encrypting and uploading: ", StringComparison.Ordinal)) stop.Cancel();
        });
        CliResult cancelled = await _w.RunWithAsync(_w.Home, null, observer, stop.Token,
            "backup", "--repo", _w.Repository, "--db", chat.DatabasePath, "--media", chat.MediaDirectory);
        cancelled.AssertOneLineFailure(130, "cancelled");

        CliResult list = await _w.RunAsync("snapshots", "--repo", _w.Repository, "--json");
        list.AssertSuccess();
        Assert.Empty(list.JsonLines("snapshot"));
        (await _w.RunAsync("verify", "--repo", _w.Repository, "--read-data")).AssertSuccess();

        // The rerun completes (the interrupted run left no lock behind) and restores exactly.
        (await _w.RunAsync("backup", "--repo", _w.Repository, "--db", chat.DatabasePath, "--media", chat.MediaDirectory)).AssertSuccess();
        string target = _w.PathOf("restored");
        (await _w.RunAsync("restore", "--repo", _w.Repository, "--to", target)).AssertSuccess();
        Assert.Empty(ChatComparer.Compare(chat.DatabasePath, Path.Combine(target, "msgstore.db"), chat.MediaDirectory, Path.Combine(target, ChatGenerator.MediaFolderName), out _, out _));
    }
}
