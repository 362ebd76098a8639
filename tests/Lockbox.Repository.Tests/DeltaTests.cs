using Lockbox.Repository.Engine;
using Lockbox.Repository.Format;
using Lockbox.Repository.Format.Pack;
using Lockbox.Repository.Format.Snapshot;
using Lockbox.Repository.Tests.Support;
using Microsoft.Data.Sqlite;

namespace Lockbox.Repository.Tests;

/// <summary>Format 2 delta blocks: a changed page stored as a zstd delta against its previous version (FORMAT.md "Blobs", "Snapshot").</summary>
public sealed class DeltaTests
{
    /// <summary>A day that touches most pages a little: one row in 40 gets a new timestamp, a few messages arrive.</summary>
    private static void SpreadEdits(string db, int day)
    {
        using var c = new SqliteConnection(ChatData.ConnectionString(db));
        c.Open();
        ChatData.Exec(c, $"UPDATE messages SET sent = sent + {day} WHERE id % 40 = {day % 40}");
        ChatData.AddMessages(c, 100_000 + day * 100, 100, seed: day);
    }

    [Fact]
    public async Task ManyDaysOfSpreadEditsStoreDeltasAndEverySnapshotRestoresExactly()
    {
        using var f = new Fixture();
        string db = ChatData.CreateDatabase(f.Source, 20_000);
        await using var repo = await f.InitAsync();
        var dumps = new List<(SnapshotSummary Summary, string Dump)>();
        SnapshotSummary first = await repo.BackupAsync(new BackupSource(db, null));
        Assert.Equal(0, first.DeltaBlocks);
        dumps.Add((first, ChatData.Dump(db)));
        for (int day = 1; day <= 8; day++)
        {
            SpreadEdits(db, day);
            SnapshotSummary s = await repo.BackupAsync(new BackupSource(db, null));
            dumps.Add((s, ChatData.Dump(db)));
            Assert.True(s.DeltaBlocks > 0, $"day {day}: changed pages are stored as deltas");
            // Most pages changed, yet the day costs a small share of the database.
            Assert.True(s.BytesAdded < s.DatabaseBytes / 10, $"day {day}: added {s.BytesAdded} of {s.DatabaseBytes}");
        }
        foreach (var (summary, dump) in dumps)
        {
            string target = f.NewFolder("out-" + summary.Sequence);
            RestoreResult r = await repo.RestoreAsync(summary.Id, target);
            Assert.Equal(dump, ChatData.Dump(r.DatabasePath));
        }
        VerifyReport v = await repo.VerifyAsync(readData: true);
        Assert.Empty(v.Problems);
    }

    [Fact]
    public async Task DeltasAreSmallerThanWholePagesOnTheSameEdits()
    {
        // The same edits backed up by a format 1 writer (the golden repository's version) and a format 2 writer.
        long added1, added2;
        using (var f = new Fixture())
        {
            string db = ChatData.CreateDatabase(f.Source, 20_000);
            await using var repo = await f.InitAsync();
            await repo.BackupAsync(new BackupSource(db, null));
            SpreadEdits(db, 1);
            added2 = (await repo.BackupAsync(new BackupSource(db, null))).BytesAdded;
        }
        using (var f = new Fixture())
        {
            string db = ChatData.CreateDatabase(f.Source, 20_000);
            await using var repo = await FormatVersion1.InitAsync(f);
            SnapshotSummary s1 = await repo.BackupAsync(new BackupSource(db, null));
            SpreadEdits(db, 1);
            SnapshotSummary s2 = await repo.BackupAsync(new BackupSource(db, null));
            Assert.Equal(0, s2.DeltaBlocks);
            added1 = s2.BytesAdded;
        }
        Assert.True(added2 * 3 < added1, $"deltas {added2} bytes vs whole pages {added1} bytes");
    }

    [Fact]
    public async Task HeavilyRewrittenPagesReBaseAndEveryDayStillRestores()
    {
        using var f = new Fixture();
        string db = ChatData.CreateDatabase(f.Source, 3_000);
        await using var repo = await f.InitAsync();
        var dumps = new List<(SnapshotSummary Summary, string Dump)> { (await repo.BackupAsync(new BackupSource(db, null)), ChatData.Dump(db)) };
        var random = new Random(5);
        for (int day = 1; day <= 10; day++)
        {
            using (var c = new SqliteConnection(ChatData.ConnectionString(db)))
            {
                c.Open();
                // Each day rewrites a growing share of the same rows with new text: deltas against the old base grow past
                // half of it and the page is stored whole again (a re-base), then deltas start from the new base.
                for (int id = 1; id <= 3_000; id += 1 + day % 3)
                    ChatData.Exec(c, $"UPDATE messages SET body = '{random.Next():x8}{random.Next():x8}' || substr(body, {1 + day}) WHERE id = {id}");
            }
            dumps.Add((await repo.BackupAsync(new BackupSource(db, null)), ChatData.Dump(db)));
        }
        var deltaCounts = dumps.Select(d => d.Summary.DeltaBlocks).ToList();
        Assert.Contains(deltaCounts.Skip(1), n => n > 0);
        Assert.True(deltaCounts.Zip(deltaCounts.Skip(1)).Any(p => p.Second < p.First) || deltaCounts.Skip(1).Any(n => n == 0),
            $"some pages re-based: delta blocks per day {string.Join(",", deltaCounts)}");
        foreach (var (summary, dump) in dumps)
        {
            RestoreResult r = await repo.RestoreAsync(summary.Id, f.NewFolder("out-" + summary.Sequence));
            Assert.Equal(dump, ChatData.Dump(r.DatabasePath));
        }
        Assert.Empty((await repo.VerifyAsync(readData: true)).Problems);
    }

    [Fact]
    public async Task UnchangedBlocksAndUnchangedDeltasAreNotStoredAgain()
    {
        using var f = new Fixture();
        string db = ChatData.CreateDatabase(f.Source, 20_000);
        await using var repo = await f.InitAsync();
        await repo.BackupAsync(new BackupSource(db, null));
        SpreadEdits(db, 1);
        SnapshotSummary withDeltas = await repo.BackupAsync(new BackupSource(db, null));
        Assert.True(withDeltas.DeltaBlocks > 0);
        int packs = f.StoredFiles("data/").Count();
        SnapshotSummary again = await repo.BackupAsync(new BackupSource(db, null));
        Assert.Equal(withDeltas.DeltaBlocks, again.DeltaBlocks);
        Assert.Equal(packs, f.StoredFiles("data/").Count());
        RestoreResult r = await repo.RestoreAsync(again.Id, f.NewFolder("out"));
        Assert.Equal(ChatData.Dump(db), ChatData.Dump(r.DatabasePath));
    }

    [Fact]
    public async Task NextDayReadsEachPackHoldingBasesOnceNotOncePerChangedBlock()
    {
        using var f = new Fixture();
        string db = ChatData.CreateDatabase(f.Source, 60_000);
        await using var repo = await f.InitAsync();
        SnapshotSummary first = await repo.BackupAsync(new BackupSource(db, null));
        SpreadEdits(db, 1);
        f.Store.ResetCounts();
        SnapshotSummary next = await repo.BackupAsync(new BackupSource(db, null));
        Assert.True(next.DeltaBlocks > 100, $"a spread-edit day changes many blocks ({next.DeltaBlocks} deltas)");
        // The changed blocks' bases come from each pack front to back in spans of at most 1 MiB (and its salt, once), the
        // delta phase running on stretches of blocks beside the hashing (BackupRun.DeltaStretchBlocks): a stretch boundary
        // may cut a span of each pack in two. The only other reads of packs are for the block lists: each pack's salt
        // once, the previous snapshot's list pieces, and the base of each new list piece. Never a read per changed block.
        long stretches = next.DeltaBlocks / BackupRun.DeltaStretchBlocks + 1;
        int listPieces = (int)((first.DatabaseBytes / 4096 + 1023) / 1024);
        var packReads = f.Store.Reads.Where(kv => kv.Key.StartsWith("data/", StringComparison.Ordinal)).ToList();
        Assert.NotEmpty(packReads);
        long spans = packReads.Sum(kv => (new FileInfo(f.StoredPath(kv.Key)).Length + (1 << 20) - 1) >> 20);
        int reads = packReads.Sum(kv => kv.Value);
        Assert.True(reads <= spans + (2 + stretches) * packReads.Count + 2 * listPieces && reads < next.DeltaBlocks / 4,
            $"{reads} pack reads for {next.DeltaBlocks} delta blocks in {stretches} stretch(es), {spans} MiB of {packReads.Count} pack(s) and {listPieces} list piece(s)");
        RestoreResult r = await repo.RestoreAsync(next.Id, f.NewFolder("out"));
        Assert.Equal(ChatData.Dump(db), ChatData.Dump(r.DatabasePath));
    }

    [Fact]
    public async Task ForgettingTheSnapshotThatStoredTheBasesKeepsThemForTheLaterOne()
    {
        using var f = new Fixture();
        string db = ChatData.CreateDatabase(f.Source, 20_000);
        await using var repo = await f.InitAsync();
        await repo.BackupAsync(new BackupSource(db, null));
        SpreadEdits(db, 1);
        await repo.BackupAsync(new BackupSource(db, null));
        SpreadEdits(db, 2);
        SnapshotSummary last = await repo.BackupAsync(new BackupSource(db, null));
        Assert.True(last.DeltaBlocks > 0);
        string expected = ChatData.Dump(db);

        ForgetResult forget = await repo.ForgetAsync(keepLast: 1, prune: true);
        Assert.Equal(2, forget.SnapshotsRemoved);
        RestoreResult r = await repo.RestoreAsync("latest", f.NewFolder("out"));
        Assert.Equal(expected, ChatData.Dump(r.DatabasePath));
        Assert.Empty((await repo.VerifyAsync(readData: true)).Problems);

        // The next day still finds its bases and stores deltas.
        SpreadEdits(db, 3);
        SnapshotSummary next = await repo.BackupAsync(new BackupSource(db, null));
        Assert.True(next.DeltaBlocks > 0);
        RestoreResult r2 = await repo.RestoreAsync("latest", f.NewFolder("out2"));
        Assert.Equal(ChatData.Dump(db), ChatData.Dump(r2.DatabasePath));
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task TamperedDeltaOrBaseIsReportedAndRestoreWritesNoFile(bool tamperDelta)
    {
        using var f = new Fixture();
        await using var repo = await f.InitAsync();
        var (s, basePack, deltaPack) = await TwoDaysWithDeltasAsync(f, repo);

        string victim = tamperDelta ? deltaPack : basePack;
        Assert.Equal(!tamperDelta, !HasDelta(f, victim));
        byte[] bytes = await File.ReadAllBytesAsync(f.StoredPath(victim));
        bytes[bytes.Length / 3] ^= 0x20;
        await File.WriteAllBytesAsync(f.StoredPath(victim), bytes);

        string target = f.NewFolder("out");
        var e = await Assert.ThrowsAsync<RepositoryDamagedException>(() => repo.RestoreAsync(s.Id, target));
        Assert.Equal(victim, e.ObjectName);
        Assert.Empty(Fixture.FilesIn(target));
        VerifyReport v = await repo.VerifyAsync(readData: true);
        Assert.Contains(v.Problems, p => p.ObjectName == victim);
    }

    /// <summary>
    /// Past damage, a restore loses exactly the blocks it cannot rebuild. The delta blocks are rebuilt from their bases in
    /// place once every database pack is written: a damaged delta blob loses its blocks (named by its pack) and nothing
    /// else; a damaged pack of bases loses its blocks, and the deltas against them are not tried on what was never written
    /// (which would blame the intact pack of deltas too).
    /// </summary>
    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task PastADamagedDeltaOrBasePackTheRestoreLosesExactlyItsBlocks(bool tamperDelta)
    {
        using var f = new Fixture();
        await using var repo = await f.InitAsync();
        var (s, basePack, deltaPack) = await TwoDaysWithDeltasAsync(f, repo);
        string victim = tamperDelta ? deltaPack : basePack;
        byte[] bytes = await File.ReadAllBytesAsync(f.StoredPath(victim));
        long[] deltaPages, expected;
        using (RepositoryState state = await f.OpenStateAsync())
        {
            Assert.True(BlobId.TryParseHex(s.Id, out BlobId id));
            SnapshotManifest manifest = (await state.LoadSnapshotsAsync(CancellationToken.None))[id];
            DeltaEntry[] deltas = await state.ReadDeltaListAsync(manifest, id, CancellationToken.None);
            BlobId[] blocks = await state.ReadBlockListAsync(manifest, id, CancellationToken.None);
            deltaPages = [.. deltas.Select(d => d.Block + 1)];
            if (tamperDelta)
            {
                // One delta blob of the pack (the pack also holds the snapshot's lists, which must stay readable).
                PackEntry victimBlob = PackReader.ReadHeader(state.Keys, bytes).First(e => e.Compression == FormatConstants.CompressionDelta);
                bytes[victimBlob.Offset + 20] ^= 0x20;
                expected = [.. deltas.Where(d => state.Keys.DeltaId(d.Base, blocks[d.Block]) == victimBlob.Id).Select(d => d.Block + 1)];
                Assert.NotEmpty(expected);
            }
            else
            {
                bytes[0] ^= 0x04;   // the salt: every blob of a pack of bases fails authentication
                expected = [];
            }
        }
        Assert.NotEmpty(deltaPages);
        await File.WriteAllBytesAsync(f.StoredPath(victim), bytes);

        string target = f.NewFolder("out");
        RestoreResult r = await repo.RestoreAsync(new RestoreRequest { TargetDirectory = target, ContinuePastDamage = true });

        MissingFile lost = Assert.Single(r.Missing);
        Assert.Equal("msgstore.db", lost.Path);
        Assert.Equal([victim], lost.Objects);
        Assert.Equal(lost.Pages.Distinct().Count(), lost.Pages.Count);
        if (tamperDelta) Assert.Equal(expected, lost.Pages);
        else Assert.Contains(lost.Pages, p => deltaPages.Contains(p));
        Assert.Empty(Fixture.FilesIn(target));
    }

    /// <summary>
    /// A first backup and a day of spread edits stored as deltas. Returns the second snapshot, a pack of the first backup
    /// (it has no deltas; the second snapshot's deltas rebuild from its blocks) and the second backup's pack of deltas.
    /// </summary>
    private static async Task<(SnapshotSummary Second, string BasePack, string DeltaPack)> TwoDaysWithDeltasAsync(Fixture f, BackupRepository repo)
    {
        string db = ChatData.CreateDatabase(f.Source, 20_000);
        await repo.BackupAsync(new BackupSource(db, null));
        var firstPacks = f.StoredFiles("data/").ToHashSet(StringComparer.Ordinal);
        SpreadEdits(db, 1);
        SnapshotSummary s = await repo.BackupAsync(new BackupSource(db, null));
        Assert.True(s.DeltaBlocks > 0);
        string deltaPack = f.StoredFiles("data/").Where(n => !firstPacks.Contains(n)).Single(n => HasDelta(f, n));
        return (s, firstPacks.Order(StringComparer.Ordinal).First(), deltaPack);
    }

    private static bool HasDelta(Fixture f, string packName)
    {
        using var keys = FormatVersion1.Keys(f);
        return PackReader.ReadHeader(keys, File.ReadAllBytes(f.StoredPath(packName))).Any(e => e.Compression == FormatConstants.CompressionDelta);
    }
}
