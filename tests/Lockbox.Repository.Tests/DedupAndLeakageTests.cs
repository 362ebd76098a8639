using System.Text;
using Lockbox.Repository.Tests.Support;
using Microsoft.Data.Sqlite;

namespace Lockbox.Repository.Tests;

public sealed class DedupAndLeakageTests
{
    [Fact]
    public async Task SamePhotoInTwoChatsIsStoredOnce()
    {
        using var f = new Fixture();
        string db = ChatData.CreateDatabase(f.Source, 100);
        byte[] photo = ChatData.WriteMedia(f.Media, "Chat A/IMG-1.jpg", 3 << 20, seed: 42);
        Directory.CreateDirectory(Path.Combine(f.Media, "Chat B"));
        await File.WriteAllBytesAsync(Path.Combine(f.Media, "Chat B", "IMG-1 (forwarded).jpg"), photo);
        await using var repo = await f.InitAsync();
        await repo.BackupAsync(new BackupSource(db, f.Media));
        long packBytes = f.StoredFiles("data/").Sum(n => new FileInfo(f.StoredPath(n)).Length);
        Assert.InRange(packBytes, photo.Length, photo.Length + (1 << 20));
        string target = f.NewFolder("out");
        await repo.RestoreAsync("latest", target);
        Assert.Equal(photo, await File.ReadAllBytesAsync(Path.Combine(target, "media", "Chat B", "IMG-1 (forwarded).jpg")));
    }

    [Fact]
    public async Task NextDayBackupAddsAFewPercentOfTheDatabase()
    {
        using var f = new Fixture();
        string db = ChatData.CreateDatabase(f.Source, 100_000);
        ChatData.WriteMedia(f.Media, "v.mp4", 4 << 20, seed: 1);
        await using var repo = await f.InitAsync();
        await repo.BackupAsync(new BackupSource(db, f.Media));

        SnapshotSummary unchanged = await repo.BackupAsync(new BackupSource(db, f.Media));
        long dbBytes = unchanged.DatabaseBytes;
        Assert.True(unchanged.BytesAdded < dbBytes / 100, $"unchanged data added {unchanged.BytesAdded} bytes");

        using (var c = new SqliteConnection(ChatData.ConnectionString(db)))
        {
            c.Open();
            ChatData.AddMessages(c, 100_000, 1_000, seed: 5);                          // ~1% new messages
            // 30 scattered edits: with ~60 rows a page, each touches its own page (the benchmark edits a few hundred rows of a far larger database).
            ChatData.Exec(c, "UPDATE messages SET body = body || ' (edited)' WHERE id % 3331 = 0");
        }
        SnapshotSummary nextDay = await repo.BackupAsync(new BackupSource(db, f.Media));
        double share = (double)nextDay.BytesAdded / nextDay.DatabaseBytes;
        Assert.True(share <= 0.05, $"next day added {nextDay.BytesAdded} of {nextDay.DatabaseBytes} bytes ({share:P1})");
        string target = f.NewFolder("out");
        await repo.RestoreAsync("latest", target);
        Assert.Equal(ChatData.Dump(db), ChatData.Dump(Path.Combine(target, "msgstore.db")));
    }

    [Fact]
    public async Task NoMessageTextFileNameOrMediaBytesAppearInAnyStoredObject()
    {
        using var f = new Fixture();
        string db = ChatData.CreateDatabase(f.Source, 3_000, name: "secret-chats.db");
        // Media that compresses well and is text: the worst case for leaking by accident.
        string mediaText = string.Concat(Enumerable.Repeat("holiday-photo-caption-lighthouse ", 5000));
        await File.WriteAllTextAsync(Path.Combine(f.Media, "Lighthouse Trip.jpg"), mediaText);
        byte[] binary = ChatData.WriteMedia(f.Media, "Private/Scan.pdf", 200_000, seed: 77);
        await using var repo = await f.InitAsync();
        await repo.BackupAsync(new BackupSource(db, f.Media, "Alice's phone"));

        var needles = new List<byte[]>
        {
            Encoding.UTF8.GetBytes(ChatData.SecretPhrase),
            Encoding.UTF8.GetBytes("lighthouse"),
            Encoding.UTF8.GetBytes("Lighthouse Trip"),
            Encoding.UTF8.GetBytes("Scan.pdf"),
            Encoding.UTF8.GetBytes("secret-chats"),
            Encoding.UTF8.GetBytes("Alice"),
            Encoding.UTF8.GetBytes("SQLite format 3"),
            binary.AsSpan(1000, 16).ToArray(),
            binary.AsSpan(150_000, 16).ToArray(),
        };
        foreach (string name in f.StoredFiles())
        {
            byte[] stored = await File.ReadAllBytesAsync(f.StoredPath(name));
            foreach (byte[] needle in needles)
                Assert.True(stored.AsSpan().IndexOf(needle) < 0, $"{name} contains plaintext '{Encoding.UTF8.GetString(needle)}'");
            Assert.DoesNotContain("lighthouse", name, StringComparison.OrdinalIgnoreCase);
        }
    }

    [Fact]
    public async Task StoredMediaSizesArePaddedSoExactFileSizesDoNotShow()
    {
        using var f = new Fixture();
        string db = ChatData.CreateDatabase(f.Source, 10);
        await using var repo = await f.InitAsync();
        long[] sizes = new long[2];
        for (int i = 0; i < 2; i++)
        {
            using var g = new Fixture();
            string media = g.Media;
            ChatData.WriteMedia(media, "p.jpg", 600_000 + i * 999, seed: 1);
            await using var r = await g.InitAsync();
            await r.BackupAsync(new BackupSource(ChatData.CreateDatabase(g.Source, 10), media));
            sizes[i] = g.StoredFiles("data/").Sum(n => new FileInfo(g.StoredPath(n)).Length);
        }
        Assert.Equal(sizes[0], sizes[1]);
        Assert.Equal(Chunking.Padme.PaddedLength(600_000), Chunking.Padme.PaddedLength(600_999));
        Assert.NotNull(db);
    }
}
