using Lockbox.Repository.Engine;
using Lockbox.Repository.Format;
using Lockbox.Repository.Format.Pack;
using Lockbox.Repository.Format.Snapshot;
using Lockbox.Repository.Storage;
using Lockbox.Repository.Tests.Support;
using Microsoft.Data.Sqlite;

namespace Lockbox.Repository.Tests;

/// <summary>
/// Issue 12, flat memory: a backup stores its block list piece by piece as the workers finish each piece's blocks, and a
/// next day reads the previous snapshot's list a piece at a time (FORMAT.md section 8: pieces of 1024 ids).
/// </summary>
public sealed class BlockListPieceTests
{
    /// <summary>About 12 MiB of database: three list pieces of 1024 blocks of 4 KiB, the last one partial.</summary>
    private const int Messages = 110_000;

    private static void SpreadEdits(string db)
    {
        using var c = new SqliteConnection(ChatData.ConnectionString(db));
        c.Open();
        ChatData.Exec(c, "UPDATE messages SET sent = sent + 1 WHERE id % 40 = 3");
        ChatData.AddMessages(c, 500_000, 300, seed: 9);
    }

    [Fact]
    public async Task DatabaseOverSeveralListPiecesRoundTripsOnTheFolderStoreAndTheNextDayStoresDeltas()
    {
        using var f = new Fixture();
        string db = ChatData.CreateDatabase(f.Source, Messages);
        // The folder store itself (not the counting test store): the pipeline keeps one pack buffer for it.
        await using var repo = await BackupRepository.InitAsync(new FolderBlobStore(f.RepositoryPath), f.Key);
        SnapshotSummary first = await repo.BackupAsync(new BackupSource(db, null));
        Assert.True(first.DatabaseBytes > 2L * FormatConstants.ListBlobIds * 4096, $"the database should span three list pieces, is {first.DatabaseBytes} bytes");
        string day1 = ChatData.Dump(db);
        SpreadEdits(db);
        SnapshotSummary second = await repo.BackupAsync(new BackupSource(db, null));
        Assert.True(second.DeltaBlocks > 0, "changed blocks in every piece are stored as deltas against the previous list's bases");
        Assert.True(second.BytesAdded < second.DatabaseBytes / 10, $"added {second.BytesAdded} of {second.DatabaseBytes}");

        using RepositoryKeys keys = FormatVersion1.Keys(f);
        foreach (SnapshotSummary s in new[] { first, second })
        {
            SnapshotManifest m = Manifest(f, keys, s.Id);
            Assert.Equal((m.BlockCount + FormatConstants.ListBlobIds - 1) / FormatConstants.ListBlobIds, m.DatabaseList.Length);
        }
        Assert.Equal(day1, ChatData.Dump((await repo.RestoreAsync(first.Id, f.NewFolder("out1"))).DatabasePath));
        Assert.Equal(ChatData.Dump(db), ChatData.Dump((await repo.RestoreAsync(second.Id, f.NewFolder("out2"))).DatabasePath));
        Assert.Empty((await repo.VerifyAsync(readData: true)).Problems);
    }

    [Fact]
    public async Task DamagedPieceOfThePreviousBlockListIsReportedAndNoSnapshotIsWritten()
    {
        using var f = new Fixture();
        string db = ChatData.CreateDatabase(f.Source, Messages);
        await using var repo = await f.InitAsync();
        SnapshotSummary first = await repo.BackupAsync(new BackupSource(db, null));
        SpreadEdits(db);

        // Flip a byte inside piece 1 of the first snapshot's block list, in its pack.
        using RepositoryKeys keys = FormatVersion1.Keys(f);
        BlobId piece = Manifest(f, keys, first.Id).DatabaseList[1];
        (string pack, PackEntry entry) = f.StoredFiles("data/")
            .SelectMany(n => PackReader.ReadHeader(keys, File.ReadAllBytes(f.StoredPath(n))).Select(e => (n, e)))
            .Single(p => p.e.Id == piece);
        byte[] bytes = await File.ReadAllBytesAsync(f.StoredPath(pack));
        bytes[entry.Offset + entry.SealedLength / 2] ^= 0x04;
        await File.WriteAllBytesAsync(f.StoredPath(pack), bytes);

        var e = await Assert.ThrowsAsync<RepositoryDamagedException>(() => repo.BackupAsync(new BackupSource(db, null)));
        Assert.Equal(pack, e.ObjectName);
        Assert.Single(f.StoredFiles("snapshots/"));
        Assert.Empty(f.StoredFiles("locks/"));
    }

    [Fact]
    public async Task BackupCancelledWhileItsBlockListIsBeingStoredLeavesNoSnapshotAndTheRerunRestores()
    {
        using var f = new Fixture();
        // About 21 MiB: progress is reported every 16 MiB, so the cancel lands inside the database, pieces behind it stored.
        string db = ChatData.CreateDatabase(f.Source, 180_000);
        await using var repo = await f.InitAsync();
        using var cts = new CancellationTokenSource();
        var cancelInDatabase = new SynchronousProgress(p =>
        {
            if (p.Phase == "backup" && p.BytesDone > 0) cts.Cancel();
        });
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => repo.BackupAsync(new BackupSource(db, null), cancelInDatabase, cts.Token));
        Assert.True(cancelInDatabase.Reports > 0);
        Assert.Empty(f.StoredFiles("snapshots/"));
        Assert.Empty(f.StoredFiles("locks/"));
        Assert.Empty((await repo.VerifyAsync(readData: true)).Problems);

        SnapshotSummary s = await repo.BackupAsync(new BackupSource(db, null));
        Assert.Equal(ChatData.Dump(db), ChatData.Dump((await repo.RestoreAsync(s.Id, f.NewFolder("out"))).DatabasePath));
        Assert.Empty((await repo.VerifyAsync(readData: true)).Problems);
    }

    [Theory]
    [InlineData(512)]
    [InlineData(4096)]
    [InlineData(8192)]
    [InlineData(65536)]
    public void BatchesNeverSpanTwoListPieces(int blockSize)
    {
        int batch = BlobPipeline.BatchBlocks(blockSize);
        Assert.InRange(batch, 1, FormatConstants.ListBlobIds);
        Assert.Equal(0, FormatConstants.ListBlobIds % batch);
        Assert.True((long)batch * blockSize <= Math.Max(blockSize, 1 << 20));
    }

    [Fact]
    public async Task PipelineBuffersAreHandedOutInTurnAndWaitedFor()
    {
        using var buffers = new PipelineBuffers(1024, 2);
        byte[] a = await buffers.RentAsync(CancellationToken.None);
        byte[] b = await buffers.RentAsync(CancellationToken.None);
        Assert.NotSame(a, b);
        ValueTask<byte[]> third = buffers.RentAsync(CancellationToken.None);
        Assert.False(third.IsCompleted, "all buffers are in use: the third waits");
        buffers.Return(a);
        Assert.Same(a, await third);
        Assert.Throws<ArgumentException>(() => buffers.Return(new byte[512]));
        using var cts = new CancellationTokenSource();
        ValueTask<byte[]> cancelled = buffers.RentAsync(cts.Token);
        await cts.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(async () => await cancelled);
    }

    private static SnapshotManifest Manifest(Fixture f, RepositoryKeys keys, string id) =>
        SnapshotManifest.Decode(keys, File.ReadAllBytes(f.StoredPath(FormatConstants.SnapshotPrefix + id)));

    /// <summary>Reports on the caller's thread (Progress&lt;T&gt; posts to the thread pool, too late to cancel at a given point).</summary>
    private sealed class SynchronousProgress(Action<BackupProgress> report) : IProgress<BackupProgress>
    {
        public int Reports { get; private set; }

        public void Report(BackupProgress value)
        {
            Reports++;
            report(value);
        }
    }
}
