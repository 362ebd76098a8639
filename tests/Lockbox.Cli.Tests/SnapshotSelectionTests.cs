using System.Security.Cryptography;
using System.Text.Json;
using Lockbox.Cli.Demo;
using Lockbox.Cli.Tests.Support;

namespace Lockbox.Cli.Tests;

/// <summary>Issue 13: snapshots belong to a source (device + database) and carry tags; restore, forget and snapshots select by them.</summary>
public sealed class SnapshotSelectionTests : IDisposable
{
    private readonly Workspace _w = new();

    public void Dispose() => _w.Dispose();

    private async Task InitAsync() => (await _w.RunAsync("init", "--repo", _w.Repository, "--json")).AssertSuccess();

    private async Task<JsonElement[]> SnapshotsAsync(params string[] selection)
    {
        CliResult list = await _w.RunAsync(["snapshots", "--repo", _w.Repository, "--json", .. selection]);
        list.AssertSuccess();
        return [.. list.JsonLines("snapshot")];
    }

    private static string Hash(string path) => Convert.ToHexStringLower(SHA256.HashData(File.ReadAllBytes(path)));

    /// <summary>Asserts the restored database holds exactly the rows of <paramref name="chat"/> (no media in these chats).</summary>
    private void AssertSameChat(GeneratedChat chat, string restoredDatabase)
    {
        string noMedia = _w.PathOf("no-media");
        Directory.CreateDirectory(noMedia);
        Assert.Empty(ChatComparer.Compare(chat.DatabasePath, restoredDatabase, noMedia, noMedia, out long rows, out _));
        Assert.True(rows > 0);
    }

    /// <summary>The phone's chat (this machine's name), then another chat from another device made later: the mistaken import case.</summary>
    private async Task<(GeneratedChat Phone, GeneratedChat Other)> TwoSourcesAsync()
    {
        await InitAsync();
        GeneratedChat phone = _w.MakeChat("phone", mediaBytes: 0);
        GeneratedChat other = _w.MakeChat("other", messages: 300, mediaBytes: 0, seed: 99);
        (await _w.RunAsync("backup", "--repo", _w.Repository, "--db", phone.DatabasePath, "--tag", "daily")).AssertSuccess();
        NextDay.Apply(phone.DatabasePath, 3);
        (await _w.RunAsync("backup", "--repo", _w.Repository, "--db", phone.DatabasePath, "--tag", "daily,manual")).AssertSuccess();
        (await _w.RunAsync("backup", "--repo", _w.Repository, "--db", other.DatabasePath, "--device", "old-tablet")).AssertSuccess();
        return (phone, other);
    }

    [Fact]
    public async Task SnapshotsRecordTheirSourceAndTagsAndSelectByHostPathAndTag()
    {
        var (phone, other) = await TwoSourcesAsync();
        JsonElement[] all = await SnapshotsAsync();
        Assert.Equal(3, all.Length);
        Assert.Equal(Path.GetFullPath(phone.DatabasePath), all[0].GetProperty("source").GetString());
        Assert.Equal(Environment.MachineName, all[0].GetProperty("device").GetString());
        Assert.Equal(["daily", "manual"], all[1].GetProperty("tags").EnumerateArray().Select(t => t.GetString()));
        Assert.Equal("old-tablet", all[2].GetProperty("device").GetString());

        Assert.Equal([1L, 2L], (await SnapshotsAsync("--tag", "daily")).Select(s => s.GetProperty("sequence").GetInt64()));
        Assert.Equal([2L], (await SnapshotsAsync("--tag", "daily,manual")).Select(s => s.GetProperty("sequence").GetInt64()));
        Assert.Equal([3L], (await SnapshotsAsync("--host", "old-tablet")).Select(s => s.GetProperty("sequence").GetInt64()));
        Assert.Equal([3L], (await SnapshotsAsync("--path", other.DatabasePath)).Select(s => s.GetProperty("sequence").GetInt64()));
        Assert.Empty(await SnapshotsAsync("--host", "nobody"));
    }

    [Fact]
    public async Task RestoreWithoutSelectionTakesThisDevicesChatNotTheNewerOtherOneAndSaysSo()
    {
        var (phone, other) = await TwoSourcesAsync();
        string target = _w.PathOf("out");
        CliResult restore = await _w.RunAsync("restore", "--repo", _w.Repository, "--to", target);
        restore.AssertSuccess();
        AssertSameChat(phone, Path.Combine(target, "msgstore.db"));
        Assert.Contains("2 sources", restore.Error, StringComparison.Ordinal);
        Assert.Contains(Path.GetFullPath(phone.DatabasePath), restore.Error, StringComparison.Ordinal);

        // "latest" of a selection: the other device's chat.
        string second = _w.PathOf("out2");
        (await _w.RunAsync("restore", "--repo", _w.Repository, "--to", second, "--host", "old-tablet")).AssertSuccess();
        AssertSameChat(other, Path.Combine(second, "msgstore.db"));
    }

    [Fact]
    public async Task ForgetKeepLastKeepsTheNewestOfEachSourceAndTheChainStillChecks()
    {
        var (phone, _) = await TwoSourcesAsync();
        // Forgetting a snapshot in the middle of the chain (#2) leaves a chain that still checks, and the next backup continues it.
        string saved = _w.PathOf("saved-snapshots");
        Directory.CreateDirectory(saved);
        foreach (string f in Directory.EnumerateFiles(Path.Combine(_w.Repository, "snapshots"))) File.Copy(f, Path.Combine(saved, Path.GetFileName(f)));
        string second = (await SnapshotsAsync())[1].GetProperty("snapshotId").GetString()!;
        (await _w.RunAsync("forget", "--repo", _w.Repository, "#2")).AssertSuccess();
        Assert.Equal([1L, 3L], (await SnapshotsAsync()).Select(s => s.GetProperty("sequence").GetInt64()));
        // A store that puts the forgotten snapshot's object back does not bring it back.
        string replayed = Path.Combine(_w.Repository, "snapshots", second);
        Assert.False(File.Exists(replayed));
        File.Copy(Path.Combine(saved, second), replayed);
        Assert.Equal([1L, 3L], (await SnapshotsAsync()).Select(s => s.GetProperty("sequence").GetInt64()));
        (await _w.RunAsync("restore", "--repo", _w.Repository, "--to", _w.PathOf("x"), "--snapshot", second)).AssertOneLineFailure(2, "no snapshot has this id");
        (await _w.RunAsync("verify", "--repo", _w.Repository)).AssertSuccess();
        NextDay.Apply(phone.DatabasePath, 2);
        (await _w.RunAsync("backup", "--repo", _w.Repository, "--db", phone.DatabasePath)).AssertSuccess();
        Assert.Equal([1L, 3L, 4L], (await SnapshotsAsync()).Select(s => s.GetProperty("sequence").GetInt64()));

        // A store that drops the record of the forgotten snapshot is caught: the gap is damage again.
        string forgotten = Path.Combine(_w.Repository, "forgotten");
        string[] records = Directory.EnumerateFiles(forgotten, "*", SearchOption.AllDirectories).ToArray();
        Assert.Single(records);
        // (A store that kept both the snapshot and can hide the record undoes the forget: a loss of availability only.)
        File.Delete(replayed);
        File.Move(records[0], _w.PathOf("hidden-record"));
        (await _w.RunAsync("snapshots", "--repo", _w.Repository)).AssertOneLineFailure(5, "missing");
        File.Move(_w.PathOf("hidden-record"), records[0]);
        File.Copy(Path.Combine(saved, second), replayed);

        // keep-last 1 applies per source: the phone's newest (#4) and the other device's only one (#3) both stay.
        CliResult forget = await _w.RunAsync("forget", "--repo", _w.Repository, "--keep-last", "1", "--prune");
        forget.AssertSuccess();
        Assert.False(File.Exists(replayed), "forget deletes the replayed object of a forgotten snapshot");
        Assert.Equal([3L, 4L], (await SnapshotsAsync()).Select(s => s.GetProperty("sequence").GetInt64()));
        (await _w.RunAsync("verify", "--repo", _w.Repository, "--read-data")).AssertSuccess();
        string target = _w.PathOf("out");
        (await _w.RunAsync("restore", "--repo", _w.Repository, "--to", target, "--path", phone.DatabasePath)).AssertSuccess();
        AssertSameChat(phone, Path.Combine(target, "msgstore.db"));
    }

    [Fact]
    public async Task SnapshotIsChosenByNumberPrefixOrLatestAndAnUnknownOneIsAUsageError()
    {
        var (phone, other) = await TwoSourcesAsync();
        string target = _w.PathOf("by-number");
        (await _w.RunAsync("restore", "--repo", _w.Repository, "--to", target, "--snapshot", "#3")).AssertSuccess();
        AssertSameChat(other, Path.Combine(target, "msgstore.db"));

        JsonElement[] all = await SnapshotsAsync();
        string id = all[1].GetProperty("snapshotId").GetString()!;
        string byPrefix = _w.PathOf("by-prefix");
        (await _w.RunAsync("restore", "--repo", _w.Repository, "--to", byPrefix, "--snapshot", id[..10])).AssertSuccess();
        AssertSameChat(phone, Path.Combine(byPrefix, "msgstore.db"));

        (await _w.RunAsync("restore", "--repo", _w.Repository, "--to", _w.PathOf("x"), "--snapshot", "#9")).AssertOneLineFailure(2, "#9");
        (await _w.RunAsync("restore", "--repo", _w.Repository, "--to", _w.PathOf("x"), "--snapshot", "0000000000ff")).AssertOneLineFailure(2, "no snapshot has this id");
        (await _w.RunAsync("forget", "--repo", _w.Repository, "nothex")).AssertOneLineFailure(2, "nothex");
        Assert.Equal(3, (await SnapshotsAsync()).Length);

        // An ambiguous prefix: back up until two ids share their first digit (17 ids must), then name that digit.
        for (int i = 0; i < 17; i++)
        {
            var firsts = (await SnapshotsAsync()).Select(s => s.GetProperty("snapshotId").GetString()![..1]).GroupBy(c => c).FirstOrDefault(g => g.Count() > 1);
            if (firsts is not null)
            {
                CliResult ambiguous = await _w.RunAsync("restore", "--repo", _w.Repository, "--to", _w.PathOf("amb"), "--snapshot", firsts.Key);
                ambiguous.AssertOneLineFailure(2, "start with it");
                Assert.Contains("#", ambiguous.Error, StringComparison.Ordinal);
                return;
            }
            (await _w.RunAsync("backup", "--repo", _w.Repository, "--db", other.DatabasePath, "--device", "old-tablet")).AssertSuccess();
        }
        Assert.Fail("17 snapshot ids without a shared first digit");
    }
}
