using Lockbox.Repository.Engine;
using Lockbox.Repository.Format;
using Lockbox.Repository.Format.Pack;
using Lockbox.Repository.Format.Snapshot;
using Lockbox.Repository.Storage;
using Lockbox.Repository.Tests.Support;
using Microsoft.Data.Sqlite;

namespace Lockbox.Repository.Tests;

/// <summary>
/// Issue 12, flat memory on a next day: the delta phase runs on stretches of blocks beside the hashing
/// (<see cref="BackupRun.DeltaStretchBlocks"/>) and the delta list is stored piece by piece as the stretches finish
/// (<see cref="DeltaListWriter"/>), instead of holding every deferred block and delta entry until the end.
/// </summary>
public sealed class DeltaStretchTests
{
    /// <summary>About 12 MiB of database: three block list pieces of 1024 blocks of 4 KiB.</summary>
    private const int Messages = 110_000;

    /// <summary>One row in 12 gets a new timestamp: almost every page changes, so a next day has thousands of deltas.</summary>
    private static void SpreadEdits(string db)
    {
        using var c = new SqliteConnection(ChatData.ConnectionString(db));
        c.Open();
        ChatData.Exec(c, "UPDATE messages SET sent = sent + 1 WHERE id % 12 = 5");
    }

    [Fact]
    public async Task DeltaListStoredInPiecesAcrossStretchesRoundTripsThroughRestore()
    {
        using var f = new Fixture();
        string db = ChatData.CreateDatabase(f.Source, Messages);
        await using var repo = await f.InitAsync();
        SnapshotSummary first = await repo.BackupAsync(new BackupSource(db, null));
        SpreadEdits(db);
        SnapshotSummary second = await repo.BackupAsync(new BackupSource(db, null));
        Assert.True(second.DeltaBlocks > 2 * BackupRun.DeltaStretchBlocks,
            $"the day should need several stretches and delta list pieces, has {second.DeltaBlocks} deltas");

        using RepositoryKeys keys = FormatVersion1.Keys(f);
        SnapshotManifest m = SnapshotManifest.Decode(keys, File.ReadAllBytes(f.StoredPath(FormatConstants.SnapshotPrefix + second.Id)));
        Assert.Equal(second.DeltaBlocks, m.DeltaCount);
        Assert.Equal((m.DeltaCount + FormatConstants.DeltaListEntries - 1) / FormatConstants.DeltaListEntries, m.DeltaList.Length);
        // Each piece holds exactly 1024 entries (the last fewer), and together they are the list a whole encoding cuts:
        // strictly ascending blocks, each base a whole blob of the first snapshot.
        var pieces = m.DeltaList.Select(id => PieceBytes(f, keys, id)).ToList();
        for (int i = 0; i < pieces.Count; i++)
        {
            long expected = i < pieces.Count - 1 ? FormatConstants.DeltaListEntries : m.DeltaCount - (long)i * FormatConstants.DeltaListEntries;
            Assert.Equal(expected * FormatConstants.DeltaEntrySize, pieces[i].Length);
        }
        DeltaEntry[] entries = DeltaEntry.Decode(pieces.SelectMany(p => p).ToArray(), m.BlockCount);
        Assert.Equal(m.DeltaCount, entries.Length);
        int pieceSize = FormatConstants.DeltaListEntries * FormatConstants.DeltaEntrySize;
        for (int i = 0; i < pieces.Count; i++)
            Assert.Equal(DeltaEntry.Encode(entries.Skip(i * FormatConstants.DeltaListEntries).Take(FormatConstants.DeltaListEntries).ToList()), pieces[i]);
        Assert.Equal(pieces.Sum(p => (long)p.Length), DeltaEntry.Encode(entries).Length);
        Assert.True(pieceSize > 0);

        Assert.Equal(ChatData.Dump(db), ChatData.Dump((await repo.RestoreAsync(second.Id, f.NewFolder("out"))).DatabasePath));
        Assert.Empty((await repo.VerifyAsync(readData: true)).Problems);

        // The next day after it takes its bases from this list (blocks stored as deltas keep their bases).
        SpreadEdits(db);
        SnapshotSummary third = await repo.BackupAsync(new BackupSource(db, null));
        Assert.True(third.DeltaBlocks > 0);
        Assert.Equal(ChatData.Dump(db), ChatData.Dump((await repo.RestoreAsync(third.Id, f.NewFolder("out3"))).DatabasePath));
        Assert.Equal(3, f.StoredFiles("snapshots/").Count());
        Assert.NotEqual(first.Id, second.Id);
    }

    [Fact]
    public async Task BackupCancelledInTheDeltaPhaseLeavesNoSnapshotAndAHealthyRepository()
    {
        using var f = new Fixture();
        string db = ChatData.CreateDatabase(f.Source, Messages);
        using var cts = new CancellationTokenSource();
        var store = new CancelOnBaseReadStore(f.Store, cts);
        await using var repo = await BackupRepository.InitAsync(store, f.Key);
        await repo.BackupAsync(new BackupSource(db, null));
        SpreadEdits(db);

        store.Armed = true;
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => repo.BackupAsync(new BackupSource(db, null), null, cts.Token));
        Assert.True(store.Fired, "the delta phase read a span of bases, and the backup was cancelled there");
        Assert.Single(f.StoredFiles("snapshots/"));
        Assert.Empty(f.StoredFiles("locks/"));
        Assert.Empty((await repo.VerifyAsync(readData: true)).Problems);

        store.Armed = false;
        SnapshotSummary again = await repo.BackupAsync(new BackupSource(db, null));
        Assert.True(again.DeltaBlocks > 0);
        Assert.Equal(ChatData.Dump(db), ChatData.Dump((await repo.RestoreAsync(again.Id, f.NewFolder("out"))).DatabasePath));
        Assert.Empty((await repo.VerifyAsync(readData: true)).Problems);
    }

    [Fact]
    public async Task DamagedBaseInAStretchStopsTheBackupWithThePackNamedAndNoSnapshot()
    {
        using var f = new Fixture();
        string db = ChatData.CreateDatabase(f.Source, Messages);
        await using var repo = await f.InitAsync();
        await repo.BackupAsync(new BackupSource(db, null));
        SpreadEdits(db);

        // Flip a byte in every database block of the pack holding the most of them: the changed blocks' bases there no
        // longer open (the block lists, in their own entries, are left alone).
        using RepositoryKeys keys = FormatVersion1.Keys(f);
        (string pack, PackEntry[] entries) = f.StoredFiles("data/")
            .Select(n => (n, PackReader.ReadHeader(keys, File.ReadAllBytes(f.StoredPath(n)))
                .Where(e => e.RawLength == 4096 && e.Compression != FormatConstants.CompressionDelta).ToArray()))
            .MaxBy(p => p.Item2.Length);
        Assert.NotEmpty(entries);
        byte[] bytes = await File.ReadAllBytesAsync(f.StoredPath(pack));
        foreach (PackEntry e in entries) bytes[e.Offset + e.SealedLength / 2] ^= 0x10;
        await File.WriteAllBytesAsync(f.StoredPath(pack), bytes);

        var ex = await Assert.ThrowsAsync<RepositoryDamagedException>(() => repo.BackupAsync(new BackupSource(db, null)));
        Assert.Equal(pack, ex.ObjectName);
        Assert.Single(f.StoredFiles("snapshots/"));
        Assert.Empty(f.StoredFiles("locks/"));
    }

    private static byte[] PieceBytes(Fixture f, RepositoryKeys keys, BlobId id)
    {
        foreach (string name in f.StoredFiles("data/"))
        {
            byte[] pack = File.ReadAllBytes(f.StoredPath(name));
            foreach (PackEntry e in PackReader.ReadHeader(keys, pack))
            {
                if (e.Id != id) continue;
                using var cipher = new PackCipher(keys, pack.AsSpan(0, FormatConstants.PackSaltSize));
                byte[] raw = new byte[e.RawLength];
                PackReader.OpenBlob(keys, cipher, e, pack.AsSpan((int)e.Offset, (int)e.SealedLength), raw);
                return raw;
            }
        }
        throw new InvalidOperationException("delta list piece not stored");
    }

    /// <summary>Cancels the backup at the first ranged read of a pack longer than a list piece: a delta phase's span of bases.</summary>
    private sealed class CancelOnBaseReadStore(IBlobStore inner, CancellationTokenSource cts) : IBlobStore
    {
        public bool Armed { get; set; }
        public bool Fired { get; private set; }
        public string Description => inner.Description;
        public Task<bool> PutIfAbsentAsync(string name, ReadOnlyMemory<byte> data, CancellationToken cancellationToken = default) => inner.PutIfAbsentAsync(name, data, cancellationToken);
        public Task<byte[]> GetAsync(string name, CancellationToken cancellationToken = default) => inner.GetAsync(name, cancellationToken);

        public Task<byte[]> GetRangeAsync(string name, long offset, int length, CancellationToken cancellationToken = default)
        {
            if (Armed && name.StartsWith("data/", StringComparison.Ordinal) && length > 64 << 10)
            {
                Fired = true;
                cts.Cancel();
            }
            return inner.GetRangeAsync(name, offset, length, cancellationToken);
        }

        public IAsyncEnumerable<BlobInfo> ListAsync(string prefix, CancellationToken cancellationToken = default) => inner.ListAsync(prefix, cancellationToken);
        public Task DeleteAsync(string name, CancellationToken cancellationToken = default) => inner.DeleteAsync(name, cancellationToken);
    }
}
