using Lockbox.Repository.Tests.Support;

namespace Lockbox.Repository.Tests;

/// <summary>
/// Packs are read into pooled buffers of their indexed length (issue 12): a pack that grew in the store does not fit
/// and is damage naming it, for restore and verify alike, and a restore that reads many packs through few buffers
/// still writes every byte right.
/// </summary>
public sealed class PackReadTests
{
    [Fact]
    public async Task APackLongerThanIndexedIsDamageNamingIt()
    {
        using var f = new Fixture();
        string db = ChatData.CreateDatabase(f.Source, 20_000);
        await using (var repo = await f.InitAsync()) await repo.BackupAsync(new BackupSource(db, null));
        string victim = f.StoredFiles("data/").Order(StringComparer.Ordinal).First();
        await using (var s = new FileStream(f.StoredPath(victim), FileMode.Append)) s.Write(new byte[100]);

        await using var reopened = await f.OpenAsync();
        var error = await Assert.ThrowsAsync<RepositoryDamagedException>(() => reopened.RestoreAsync("latest", f.NewFolder("out")));
        Assert.Equal(victim, error.ObjectName);
        Assert.Equal("has the wrong length (truncated or replaced)", error.Problem);
        VerifyReport report = await reopened.VerifyAsync(readData: true);
        Assert.Contains(report.Problems, p => p.ObjectName == victim);
    }

    [Fact]
    public async Task ARestoreThroughPooledBuffersWritesEveryPackRight()
    {
        using var f = new Fixture();
        string db = ChatData.CreateDatabase(f.Source, 60_000);
        for (int i = 0; i < 6; i++) ChatData.WriteMedia(f.Media, $"clip{i}.mp4", (3 << 20) + i * 4099, 10 + i);
        await using (var repo = await f.InitAsync()) await repo.BackupAsync(new BackupSource(db, f.Media));
        Assert.True(f.StoredFiles("data/").Count() >= 3, "needs several packs to pass through the pooled buffers");

        await using var reopened = await f.OpenAsync();
        string target = f.NewFolder("out");
        await reopened.RestoreAsync("latest", target);
        Assert.Equal(ChatData.Dump(db), ChatData.Dump(Path.Combine(target, "msgstore.db")));
        foreach (string media in Directory.GetFiles(f.Media))
            Assert.Equal(await File.ReadAllBytesAsync(media), await File.ReadAllBytesAsync(Path.Combine(target, Path.GetFileName(f.Media), Path.GetFileName(media))));
        Assert.True((await reopened.VerifyAsync(readData: true)).IsHealthy);
    }
}
