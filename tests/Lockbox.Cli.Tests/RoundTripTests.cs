using System.Text.Json;
using Lockbox.Cli.Demo;
using Lockbox.Cli.Tests.Support;

namespace Lockbox.Cli.Tests;

/// <summary>Backup, list and restore through the CLI, on the original device and on a new one.</summary>
public sealed class RoundTripTests : IDisposable
{
    private readonly Workspace _w = new();

    public void Dispose() => _w.Dispose();

    private async Task<string> InitAsync()
    {
        CliResult init = await _w.RunAsync("init", "--repo", _w.Repository, "--json");
        init.AssertSuccess();
        return init.Summary().GetProperty("key").GetString()!;
    }

    [Fact]
    public async Task BackupThenRestoreGivesTheSameChat()
    {
        await InitAsync();
        GeneratedChat chat = _w.MakeChat();
        CliResult backup = await _w.RunAsync("backup", "--repo", _w.Repository, "--db", chat.DatabasePath, "--media", chat.MediaDirectory);
        backup.AssertSuccess();
        Assert.Contains("#1", backup.Out, StringComparison.Ordinal);
        Assert.Contains("backup: copying the chat database", backup.Error, StringComparison.Ordinal); // plain progress lines when redirected

        string target = _w.PathOf("restored");
        CliResult restore = await _w.RunAsync("restore", "--repo", _w.Repository, "--to", target);
        restore.AssertSuccess();

        IReadOnlyList<string> problems = ChatComparer.Compare(chat.DatabasePath, Path.Combine(target, ChatGenerator.DatabaseFileName),
            chat.MediaDirectory, Path.Combine(target, ChatGenerator.MediaFolderName), out long rows, out int files);
        Assert.Empty(problems);
        Assert.True(rows > chat.Messages);
        Assert.Equal(chat.MediaFiles, files);
    }

    [Fact]
    public async Task SnapshotsJsonListsEveryBackupInOrder()
    {
        await InitAsync();
        GeneratedChat chat = _w.MakeChat(mediaBytes: 0);
        (await _w.RunAsync("backup", "--repo", _w.Repository, "--db", chat.DatabasePath)).AssertSuccess();
        NextDay.Apply(chat.DatabasePath, 9);
        (await _w.RunAsync("backup", "--repo", _w.Repository, "--db", chat.DatabasePath, "--device", "phone-2")).AssertSuccess();

        CliResult list = await _w.RunAsync("snapshots", "--repo", _w.Repository, "--json");
        list.AssertSuccess();
        JsonElement[] snapshots = [.. list.JsonLines("snapshot")];
        Assert.Equal([1L, 2L], snapshots.Select(s => s.GetProperty("sequence").GetInt64()));
        Assert.Equal("phone-2", snapshots[1].GetProperty("device").GetString());
        Assert.Equal("msgstore.db", snapshots[0].GetProperty("database").GetString());
        Assert.Matches("^[0-9a-f]+$", snapshots[0].GetProperty("snapshotId").GetString()!);

        CliResult table = await _w.RunAsync("snapshots", "--repo", _w.Repository);
        table.AssertSuccess();
        Assert.Contains(snapshots[1].GetProperty("snapshotId").GetString()![..8], table.Out, StringComparison.Ordinal);
    }

    [Fact]
    public async Task NewDeviceRestoresWithLockboxKeyAndThenKeepsTheKey()
    {
        string key = await InitAsync();
        GeneratedChat chat = _w.MakeChat();
        (await _w.RunAsync("backup", "--repo", _w.Repository, "--db", chat.DatabasePath, "--media", chat.MediaDirectory)).AssertSuccess();

        // As typed by a person: upper case, dashes between groups.
        string typed = string.Join('-', key.ToUpperInvariant().Chunk(4).Select(c => new string(c)));
        string newHome = _w.PathOf("new-device");
        string target = _w.PathOf("new-phone");
        CliResult restore = await _w.RunAsAsync(newHome, typed, "restore", "--repo", _w.Repository, "--to", target, "--snapshot", "latest");
        restore.AssertSuccess();
        Assert.Empty(ChatComparer.Compare(chat.DatabasePath, Path.Combine(target, "msgstore.db"), chat.MediaDirectory, Path.Combine(target, ChatGenerator.MediaFolderName), out _, out _));

        CliResult show = await _w.RunAsAsync(newHome, null, "key", "show", "--json");
        show.AssertSuccess();
        Assert.Contains(key, show.Out, StringComparison.Ordinal);
    }

    [Fact]
    public async Task RestoreBySnapshotIdPrefixGivesThatSnapshot()
    {
        await InitAsync();
        GeneratedChat chat = _w.MakeChat(mediaBytes: 0);
        CliResult first = await _w.RunAsync("backup", "--repo", _w.Repository, "--db", chat.DatabasePath, "--json");
        first.AssertSuccess();
        string id = first.Summary().GetProperty("snapshotId").GetString()!;
        string before = _w.PathOf("before.db");
        File.Copy(chat.DatabasePath, before);
        NextDay.Apply(chat.DatabasePath, 3);
        (await _w.RunAsync("backup", "--repo", _w.Repository, "--db", chat.DatabasePath)).AssertSuccess();

        string target = _w.PathOf("old");
        (await _w.RunAsync("restore", "--repo", _w.Repository, "--to", target, "--snapshot", id[..10])).AssertSuccess();
        Assert.Empty(ChatComparer.Compare(before, Path.Combine(target, "msgstore.db"), _w.PathOf("none"), _w.PathOf("none"), out _, out _));
    }

    [Fact]
    public async Task VerifyReadDataAndForgetPruneKeepTheNewestSnapshotRestorable()
    {
        await InitAsync();
        GeneratedChat chat = _w.MakeChat();
        for (int day = 0; day < 3; day++)
        {
            if (day > 0) NextDay.Apply(chat.DatabasePath, (ulong)day + 20);
            (await _w.RunAsync("backup", "--repo", _w.Repository, "--db", chat.DatabasePath, "--media", chat.MediaDirectory)).AssertSuccess();
        }
        CliResult verify = await _w.RunAsync("verify", "--repo", _w.Repository, "--read-data", "--json");
        verify.AssertSuccess();
        JsonElement verified = verify.Summary();
        Assert.True(verified.GetProperty("ok").GetBoolean());
        Assert.Equal(3, verified.GetProperty("snapshots").GetInt32());

        CliResult forget = await _w.RunAsync("forget", "--repo", _w.Repository, "--keep-last", "1", "--prune", "--json");
        forget.AssertSuccess();
        Assert.Equal(2, forget.Summary().GetProperty("snapshotsRemoved").GetInt32());
        Assert.Equal(2, forget.JsonLines("snapshot").Count);

        (await _w.RunAsync("verify", "--repo", _w.Repository, "--read-data")).AssertSuccess();
        string target = _w.PathOf("restored");
        (await _w.RunAsync("restore", "--repo", _w.Repository, "--to", target)).AssertSuccess();
        Assert.Empty(ChatComparer.Compare(chat.DatabasePath, Path.Combine(target, "msgstore.db"), chat.MediaDirectory, Path.Combine(target, ChatGenerator.MediaFolderName), out _, out _));
    }

    [Fact]
    public async Task NewDeviceWithoutLockboxKeyAsksAtTheHiddenPrompt()
    {
        string key = await InitAsync();
        GeneratedChat chat = _w.MakeChat(mediaBytes: 0);
        (await _w.RunAsync("backup", "--repo", _w.Repository, "--db", chat.DatabasePath)).AssertSuccess();

        var prompts = new List<string>();
        string target = _w.PathOf("typed");
        CliResult restore = await _w.RunWithAsync(_w.PathOf("new-device"), null, p => { prompts.Add(p); return " " + key + " "; }, TextWriter.Null, CancellationToken.None,
            "restore", "--repo", _w.Repository, "--to", target);
        restore.AssertSuccess();
        Assert.Contains("64-digit", Assert.Single(prompts), StringComparison.Ordinal);
        Assert.True(File.Exists(Path.Combine(target, "msgstore.db")));

        CliResult typo = await _w.RunWithAsync(_w.PathOf("third-device"), null, _ => key[..63] + "g", TextWriter.Null, CancellationToken.None,
            "snapshots", "--repo", _w.Repository);
        typo.AssertOneLineFailure(2, "invalid character 'g' at position 64");
    }
}
