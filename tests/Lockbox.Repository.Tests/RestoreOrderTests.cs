using Lockbox.Repository.Format;
using Lockbox.Repository.Format.Pack;
using Lockbox.Repository.Tests.Support;

namespace Lockbox.Repository.Tests;

/// <summary>Messages first: a restore puts the database in place before the media, and can restore the database alone.</summary>
public sealed class RestoreOrderTests
{
    [Fact]
    public async Task DatabaseOnlyRestoreWritesTheDatabaseAndNoMedia()
    {
        using var f = new Fixture();
        string db = ChatData.CreateDatabase(f.Source, 5_000);
        ChatData.WriteMedia(f.Media, "Video/v.mp4", 3 << 20, seed: 2);
        await using var repo = await f.InitAsync();
        await repo.BackupAsync(new BackupSource(db, f.Media));

        string target = f.NewFolder("out");
        RestoreResult r = await repo.RestoreAsync("latest", target, databaseOnly: true);
        Assert.Equal(0, r.MediaFiles);
        Assert.Equal(["msgstore.db"], Fixture.FilesIn(target));
        Assert.Equal(ChatData.Dump(db), ChatData.Dump(r.DatabasePath));
        Assert.True(r.TimeToDatabase > TimeSpan.Zero && r.TimeToDatabase <= r.Elapsed);
    }

    [Fact]
    public async Task DatabaseIsInPlaceBeforeTheMediaAndSurvivesDamagedMedia()
    {
        using var f = new Fixture();
        string db = ChatData.CreateDatabase(f.Source, 5_000);
        ChatData.WriteMedia(f.Media, "Video/v.mp4", 9 << 20, seed: 2);
        await using var repo = await f.InitAsync();
        await repo.BackupAsync(new BackupSource(db, f.Media));

        // A full restore reports the database before the media.
        var phases = new List<string>();
        string target = f.NewFolder("out");
        RestoreResult full = await repo.RestoreAsync("latest", target, progress: new SyncProgress(p => phases.Add(p.Phase)));
        Assert.Equal(1, full.MediaFiles);
        int messages = phases.IndexOf("messages");
        Assert.True(messages >= 0 && messages < phases.LastIndexOf("finish"), string.Join(",", phases));
        Assert.True(full.TimeToDatabase <= full.Elapsed);

        // Damage a pack that holds only media: the database still arrives whole; no media file is written.
        using RepositoryKeys keys = FormatVersion1.Keys(f);
        string mediaPack = f.StoredFiles("data/").First(n =>
            PackReader.ReadHeader(keys, File.ReadAllBytes(f.StoredPath(n))).All(e => e.RawLength == 1 << 20));
        byte[] bytes = await File.ReadAllBytesAsync(f.StoredPath(mediaPack));
        bytes[bytes.Length / 2] ^= 1;
        await File.WriteAllBytesAsync(f.StoredPath(mediaPack), bytes);
        string second = f.NewFolder("out2");
        var e = await Assert.ThrowsAsync<RepositoryDamagedException>(() => repo.RestoreAsync("latest", second));
        Assert.Equal(mediaPack, e.ObjectName);
        Assert.Equal(["msgstore.db"], Fixture.FilesIn(second));
        Assert.Equal(ChatData.Dump(db), ChatData.Dump(Path.Combine(second, "msgstore.db")));
    }

    /// <summary>Reports on the caller's thread (Progress&lt;T&gt; would post to the pool and race the assertions).</summary>
    private sealed class SyncProgress(Action<RestoreProgress> report) : IProgress<RestoreProgress>
    {
        public void Report(RestoreProgress value) => report(value);
    }
}
