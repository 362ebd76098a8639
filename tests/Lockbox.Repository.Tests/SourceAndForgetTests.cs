using System.Security.Cryptography;
using Lockbox.Repository.Engine;
using Lockbox.Repository.Format;
using Lockbox.Repository.Format.Snapshot;
using Lockbox.Repository.Tests.Support;
using Microsoft.Data.Sqlite;

namespace Lockbox.Repository.Tests;

/// <summary>Issue 13: sources and tags in the snapshot format, forget's dry run, policies and delta bases, and partial restores.</summary>
public sealed class SourceAndForgetTests
{
    private static Dictionary<string, string> StoreHashes(Fixture f) =>
        f.StoredFiles().ToDictionary(n => n, n => Convert.ToHexStringLower(SHA256.HashData(File.ReadAllBytes(f.StoredPath(n)))), StringComparer.Ordinal);

    [Fact]
    public async Task SourcePathAndTagsRoundTripAndAnImportFormsItsOwnGroup()
    {
        using var f = new Fixture();
        string db = ChatData.CreateDatabase(f.Source, 300);
        await using var repo = await f.InitAsync();
        SnapshotSummary phone = await repo.BackupAsync(new BackupSource(db, null, "phone") { Tags = ["daily", "before-update"] });
        SnapshotSummary import = await repo.BackupAsync(new BackupSource(db, null, "phone") { SourcePath = "whatsapp:/sdcard/msgstore.db.crypt15" });
        IReadOnlyList<SnapshotSummary> list = await repo.ListSnapshotsAsync();
        Assert.Equal(Path.GetFullPath(db), list[0].Source);
        Assert.Equal(["daily", "before-update"], list[0].Tags);
        Assert.Equal("whatsapp:/sdcard/msgstore.db.crypt15", list[1].SourcePath);
        Assert.Empty(list[1].Tags);

        Assert.Equal([phone.Id], (await repo.ListSnapshotsAsync(new SnapshotFilter { Paths = [Path.GetFullPath(db)] })).Select(s => s.Id));
        Assert.Equal([phone.Id], (await repo.ListSnapshotsAsync(new SnapshotFilter { Tags = [["daily", "before-update"]] })).Select(s => s.Id));
        Assert.Empty(await repo.ListSnapshotsAsync(new SnapshotFilter { Tags = [["daily", "weekly"]] }));
        Assert.Equal(import.Id, (await repo.FindSnapshotAsync("latest")).Id);
        Assert.Equal(phone.Id, (await repo.FindSnapshotAsync("latest", new SnapshotFilter { Tags = [["daily"]] })).Id);
        Assert.Equal(phone.Id, (await repo.FindSnapshotAsync("#1")).Id);

        // A tag a reader would refuse is refused before anything is written.
        await Assert.ThrowsAsync<ArgumentException>(() => repo.BackupAsync(new BackupSource(db, null, "phone") { Tags = ["a,b"] }));
        await Assert.ThrowsAsync<ArgumentException>(() => repo.BackupAsync(new BackupSource(db, null, "phone") { Tags = ["x", "x"] }));
        Assert.Equal(2, (await repo.ListSnapshotsAsync()).Count);

        // keep-last 1 is per source group: both stay.
        ForgetResult r = await repo.ForgetAsync(keepLast: 1, prune: true);
        Assert.Equal(0, r.SnapshotsRemoved);
        Assert.Equal(2, (await repo.ListSnapshotsAsync()).Count);
    }

    [Fact]
    public void ManifestWithoutSourceIsUnchangedAndOneWithSourceCarriesTheMediaFolderBeforeIt()
    {
        using var f = new Fixture();
        using RepositoryKeys keys = new(f.Key);
        keys.BindRepository(new byte[FormatConstants.RepositoryIdSize]);
        var plain = new SnapshotManifest(1, default, 5, "d", "msgstore.db", 0, 4096, 4096, 0, [], 0, 0, 4, [BlobId.Read(new byte[32])], 0, 0);
        SnapshotManifest decoded = SnapshotManifest.Decode(keys, plain.Encode(keys));
        Assert.Null(decoded.SourcePath);
        Assert.Null(decoded.MediaFolderName);
        Assert.Empty(decoded.Tags);

        SnapshotManifest tagged = SnapshotManifest.Decode(keys, (plain with { SourcePath = "/data/msgstore.db", TagList = ["a", "b"] }).Encode(keys));
        Assert.Equal("/data/msgstore.db", tagged.SourcePath);
        Assert.Equal(["a", "b"], tagged.Tags);
        Assert.Equal("media", tagged.MediaFolderName);

        Assert.Throws<CorruptDataException>(() => SnapshotManifest.Decode(keys, (plain with { SourcePath = "/x", TagList = ["a,b"] }).Encode(keys)));
        Assert.Throws<CorruptDataException>(() => SnapshotManifest.Decode(keys, (plain with { SourcePath = "/x", TagList = ["a", "a"] }).Encode(keys)));
    }

    [Fact]
    public async Task DryRunListsWhatWouldGoAndLeavesTheStoreByteForByteUnchanged()
    {
        using var f = new Fixture();
        string db = ChatData.CreateDatabase(f.Source, 500);
        await using var repo = await f.InitAsync();
        var made = new List<SnapshotSummary>();
        for (int i = 0; i < 3; i++) made.Add(await repo.BackupAsync(new BackupSource(db, null, "phone")));
        Dictionary<string, string> before = StoreHashes(f);

        ForgetResult dry = await repo.ForgetAsync(new ForgetRequest { Policy = new ForgetPolicy { KeepLast = 1 }, Prune = true, DryRun = true });
        Assert.True(dry.DryRun);
        Assert.Equal([made[0].Id, made[1].Id], dry.Removed.Select(s => s.Id));
        Assert.Equal(before, StoreHashes(f));

        ForgetResult byId = await repo.ForgetAsync(new ForgetRequest { Snapshots = [made[1].Id[..12]], DryRun = true });
        Assert.Equal([made[1].Id], byId.Removed.Select(s => s.Id));
        Assert.Equal(before, StoreHashes(f));
        await Assert.ThrowsAsync<SnapshotNotFoundException>(() => repo.ForgetAsync(new ForgetRequest { Snapshots = ["#7"], DryRun = true }));
    }

    private static SnapshotSummary At(int sequence, string utc) =>
        new($"{sequence:x64}", sequence, DateTimeOffset.Parse(utc, System.Globalization.CultureInfo.InvariantCulture), "phone", "msgstore.db", 0, 0, 0, 0, 0);

    [Fact]
    public void PolicyKeepsTheNewestOfEachDayWeekAndMonthAsResticDoes()
    {
        SnapshotSummary[] s =
        [
            At(1, "2026-09-30T10:00:00Z"), At(2, "2026-10-15T10:00:00Z"), At(3, "2026-10-31T10:00:00Z"),
            At(4, "2026-11-02T09:00:00Z"), At(5, "2026-11-02T21:00:00Z"), At(6, "2026-11-03T09:00:00Z"),
            At(7, "2026-11-09T09:00:00Z"), At(8, "2026-11-10T08:00:00Z"), At(9, "2026-11-10T20:00:00Z"),
        ];
        string Ids(ForgetPolicy p) => string.Join(",", KeepPolicy.Keep(s, p).Select(id => Convert.ToInt32(id[^4..], 16)).Order());

        Assert.Equal("8,9", Ids(new ForgetPolicy { KeepLast = 2 }));
        Assert.Equal("7,9", Ids(new ForgetPolicy { KeepDaily = 2 }));                    // newest of 11-10, then of 11-09
        Assert.Equal("6,9", Ids(new ForgetPolicy { KeepWeekly = 2 }));                   // ISO weeks 46 and 45
        Assert.Equal("1,3,9", Ids(new ForgetPolicy { KeepMonthly = 3 }));                // November, October, September
        Assert.Equal("3,6,7,9", Ids(new ForgetPolicy { KeepDaily = 2, KeepWeekly = 2, KeepMonthly = 2 }));
        Assert.Equal("9", Ids(new ForgetPolicy { KeepLast = 1, KeepDaily = 1 }));
    }

    [Fact]
    public async Task ForgettingTheSnapshotThatStoredTheBasesKeepsTheBasesADeltaSnapshotNeeds()
    {
        using var f = new Fixture();
        string db = ChatData.CreateDatabase(f.Source, 4_000);
        await using var repo = await f.InitAsync();
        SnapshotSummary first = await repo.BackupAsync(new BackupSource(db, null, "phone"));
        using (var c = new SqliteConnection(ChatData.ConnectionString(db)))
        {
            c.Open();
            ChatData.Exec(c, "UPDATE messages SET body = body || 'x' WHERE id % 7 = 0;");
        }
        SnapshotSummary second = await repo.BackupAsync(new BackupSource(db, null, "phone"));
        Assert.True(second.DeltaBlocks > 0, "the second backup should store deltas against the first one's blocks");

        ForgetResult r = await repo.ForgetAsync(new ForgetRequest { Snapshots = [first.Id], Prune = true });
        Assert.Equal([first.Id], r.Removed.Select(s => s.Id));
        Assert.True((await repo.VerifyAsync(readData: true)).IsHealthy);
        string target = f.NewFolder("out");
        RestoreResult restored = await repo.RestoreAsync("latest", target);
        Assert.Equal(ChatData.Dump(db), ChatData.Dump(restored.DatabasePath));
    }

    [Fact]
    public async Task RestorePastDamagedPacksNamesTheLostPagesAndFilesAndWritesOnlyIntactOnes()
    {
        using var f = new Fixture();
        string db = ChatData.CreateDatabase(f.Source, 3_000);
        byte[] old = ChatData.WriteMedia(f.Media, "Images/old.jpg", 300_000, seed: 1);
        // Version 1 (no deltas): the second snapshot's lists are whole blobs of its own, so only data blobs are shared.
        await using var repo = await FormatVersion1.InitAsync(f);
        await repo.BackupAsync(new BackupSource(db, f.Media, "phone"));
        var firstPacks = f.StoredFiles("data/").ToList();
        using (var c = new SqliteConnection(ChatData.ConnectionString(db)))
        {
            c.Open();
            ChatData.AddMessages(c, 10_000, 500, seed: 3);
        }
        byte[] fresh = ChatData.WriteMedia(f.Media, "Images/new.jpg", 200_000, seed: 2);
        await repo.BackupAsync(new BackupSource(db, f.Media, "phone"));

        // The database as each snapshot holds it, before the damage: the pages of the second that equal a page of the
        // first are stored (deduplicated) in the first backup's packs.
        string clean1 = f.NewFolder("clean1"), clean2 = f.NewFolder("clean2");
        RestoreResult r1 = await repo.RestoreAsync("#1", clean1, databaseOnly: true);
        RestoreResult r2 = await repo.RestoreAsync("#2", clean2, databaseOnly: true);
        byte[] b1 = await File.ReadAllBytesAsync(r1.DatabasePath), b2 = await File.ReadAllBytesAsync(r2.DatabasePath);
        const int page = 4096;
        var oldPages = Enumerable.Range(0, b1.Length / page).Select(i => Convert.ToHexString(b1, i * page, page)).ToHashSet();
        long[] expectedLost = Enumerable.Range(0, b2.Length / page).Where(i => oldPages.Contains(Convert.ToHexString(b2, i * page, page))).Select(i => (long)i + 1).ToArray();
        Assert.NotEmpty(expectedLost);

        foreach (string pack in firstPacks)
        {
            byte[] bytes = await File.ReadAllBytesAsync(f.StoredPath(pack));
            bytes[0] ^= 0x04;   // the salt: the pack key changes, so the header and every blob fail authentication
            await File.WriteAllBytesAsync(f.StoredPath(pack), bytes);
        }

        string target = f.NewFolder("out");
        await Assert.ThrowsAsync<RepositoryDamagedException>(() => repo.RestoreAsync("latest", f.NewFolder("strict")));
        Assert.Empty(Fixture.FilesIn(f.NewFolder("strict")));
        RestoreResult r = await repo.RestoreAsync(new RestoreRequest { TargetDirectory = target, ContinuePastDamage = true });
        Assert.False(r.IsComplete);
        Assert.Equal(["msgstore.db", "media/Images/old.jpg"], r.Missing.Select(m => m.Path));
        Assert.Equal(expectedLost, r.Missing[0].Pages);
        Assert.Empty(r.Missing[1].Pages);
        Assert.All(r.Missing, m => Assert.Subset(firstPacks.ToHashSet(), m.Objects.ToHashSet()));
        Assert.Equal(["media/Images/new.jpg"], Fixture.FilesIn(target).Select(p => p.Replace('\\', '/')));
        Assert.Equal(fresh, await File.ReadAllBytesAsync(Path.Combine(target, "media", "Images", "new.jpg")));
        Assert.Equal(1, r.MediaFiles);
        _ = old;
    }
}
