using Lockbox.Repository.Tests.Support;

namespace Lockbox.Repository.Tests;

/// <summary>A malicious or broken store: every kind of object flipped, truncated, deleted or swapped.</summary>
public sealed class TamperTests
{
    public enum Damage { Flip, Truncate, Delete, Swap }

    public static TheoryData<string, Damage> Cases()
    {
        var data = new TheoryData<string, Damage>();
        foreach (string kind in new[] { "data/", "index/", "snapshots/" })
            foreach (Damage d in Enum.GetValues<Damage>())
                data.Add(kind, d);
        return data;
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public async Task DamagedObjectIsReportedByVerifyAndRestoreWritesNoFile(string kind, Damage damage)
    {
        using var f = new Fixture();
        string db = ChatData.CreateDatabase(f.Source, 40_000);
        ChatData.WriteMedia(f.Media, "photo.jpg", 300_000, 1);
        ChatData.WriteMedia(f.Media, "video.mp4", 9 << 20, 2);
        await using (var repo = await f.InitAsync())
        {
            await repo.BackupAsync(new BackupSource(db, f.Media));
            using (var c = new Microsoft.Data.Sqlite.SqliteConnection(ChatData.ConnectionString(db)))
            {
                c.Open();
                ChatData.Exec(c, "DELETE FROM messages WHERE id % 7 = 0");
            }
            await repo.BackupAsync(new BackupSource(db, f.Media));
        }
        var objects = f.StoredFiles(kind).Order(StringComparer.Ordinal).ToList();
        Assert.True(objects.Count >= 2, $"need two {kind} objects to swap, have {objects.Count}");
        string victim = kind == "snapshots/" ? await NewestSnapshotAsync(f) : objects[0];
        string path = f.StoredPath(victim);
        switch (damage)
        {
            case Damage.Flip:
                byte[] bytes = await File.ReadAllBytesAsync(path);
                bytes[bytes.Length / 2] ^= 0x01;
                await File.WriteAllBytesAsync(path, bytes);
                break;
            case Damage.Truncate:
                using (var s = File.OpenWrite(path)) s.SetLength(s.Length - 100);
                break;
            case Damage.Delete:
                File.Delete(path);
                break;
            case Damage.Swap:
                string other = f.StoredPath(objects.First(o => o != victim));
                byte[] a = await File.ReadAllBytesAsync(path), b = await File.ReadAllBytesAsync(other);
                await File.WriteAllBytesAsync(path, b);
                await File.WriteAllBytesAsync(other, a);
                break;
        }

        await using var reopened = await f.OpenAsync();
        reopened.KnownSequence = 2;
        VerifyReport report = await reopened.VerifyAsync(readData: true);
        Assert.False(report.IsHealthy, $"verify missed {damage} of {victim}");

        string target = f.NewFolder("out");
        var error = await Assert.ThrowsAsync<RepositoryDamagedException>(() => reopened.RestoreAsync("latest", target));
        Assert.DoesNotContain('\n', error.Message);
        // Messages first: the database may already be in place when the damage is in the media, and then it is
        // the whole, authenticated database; no media file and no partial file is left.
        List<string> files = Fixture.FilesIn(target);
        Assert.All(files, n => Assert.Equal("msgstore.db", n));
        if (files.Count == 1) Assert.Equal(ChatData.Dump(db), ChatData.Dump(Path.Combine(target, "msgstore.db")));
    }

    [Fact]
    public async Task ChangedConfigIsDamageNotWrongKey()
    {
        using var f = new Fixture();
        await (await f.InitAsync()).DisposeAsync();
        byte[] config = await File.ReadAllBytesAsync(f.StoredPath("config"));
        config[^1] ^= 0x80;
        await File.WriteAllBytesAsync(f.StoredPath("config"), config);
        var e = await Assert.ThrowsAsync<RepositoryDamagedException>(() => f.OpenAsync());
        Assert.Equal("config", e.ObjectName);
    }

    [Fact]
    public async Task ChangedVaultHintIsDetectedOnceKIsKnown()
    {
        using var f = new Fixture();
        await (await BackupRepository.InitAsync(f.Store, f.Key, new RepositoryHints("https://vault.example", "acct-1"))).DisposeAsync();
        Assert.Equal(new RepositoryHints("https://vault.example", "acct-1"), await BackupRepository.ReadHintsAsync(f.Store));
        byte[] config = await File.ReadAllBytesAsync(f.StoredPath("config"));
        int at = IndexOf(config, "vault.example"u8.ToArray());
        config[at] = (byte)'e';
        await File.WriteAllBytesAsync(f.StoredPath("config"), config);
        Assert.Equal("https://eault.example", (await BackupRepository.ReadHintsAsync(f.Store))!.VaultUrl);
        await Assert.ThrowsAsync<RepositoryDamagedException>(() => f.OpenAsync());
    }

    private static async Task<string> NewestSnapshotAsync(Fixture f)
    {
        await using var repo = await f.OpenAsync();
        return "snapshots/" + (await repo.ListSnapshotsAsync())[^1].Id;
    }

    private static int IndexOf(byte[] haystack, byte[] needle)
    {
        for (int i = 0; i + needle.Length <= haystack.Length; i++)
            if (haystack.AsSpan(i, needle.Length).SequenceEqual(needle)) return i;
        throw new InvalidOperationException("not found");
    }
}
