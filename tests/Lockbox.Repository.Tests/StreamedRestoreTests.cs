using System.Runtime.CompilerServices;
using System.Security.Cryptography;
using Lockbox.Repository.Engine;
using Lockbox.Repository.Format;
using Lockbox.Repository.Format.Index;
using Lockbox.Repository.Format.Pack;
using Lockbox.Repository.Storage;
using Lockbox.Repository.Tests.Support;

namespace Lockbox.Repository.Tests;

/// <summary>
/// Issue 12's restore and verify read the block list piece by piece and take each pack's entries from its own header
/// (pinned to the index by a digest): damage met part-way through either is still damage, and no wrong or partial file is left.
/// </summary>
public sealed class StreamedRestoreTests
{
    [Fact]
    public async Task ABlockListPieceDamagedWhileStreamingIsReportedAndRestoreWritesNoFile()
    {
        using var f = new Fixture();
        string db = ChatData.CreateDatabase(f.Source, 80_000);
        Assert.True(new FileInfo(db).Length > FormatConstants.ListBlobIds * FormatConstants.MinimumBlockSize, "the block list needs two pieces");
        ChatData.WriteMedia(f.Media, "photo.jpg", 300_000, 1);
        await using (var repo = await f.InitAsync()) await repo.BackupAsync(new BackupSource(db, f.Media));

        // The second block list piece read comes back with one flipped byte, after the first was planned.
        var store = new FlippingStore(f.Store, flipLargeRangeRead: 2);
        await using var reopened = await BackupRepository.OpenAsync(store, f.Key);
        string target = f.NewFolder("out");
        var error = await Assert.ThrowsAsync<RepositoryDamagedException>(() => reopened.RestoreAsync("latest", target));
        Assert.Equal(2, store.LargeRangeReads);
        Assert.Contains("failed authentication", error.Problem);
        Assert.DoesNotContain('\n', error.Message);
        Assert.Empty(Fixture.FilesIn(target));

        store.Reset(flipLargeRangeRead: 2);
        VerifyReport report = await reopened.VerifyAsync(readData: false);
        Assert.False(report.IsHealthy);
        Assert.Contains(report.Problems, p => p.ObjectName.StartsWith("snapshots/", StringComparison.Ordinal) && p.Problem.StartsWith("cannot read its lists", StringComparison.Ordinal));

        // Read intact, the same repository restores and verifies.
        store.Reset(flipLargeRangeRead: 0);
        Assert.True((await reopened.VerifyAsync(readData: true)).IsHealthy);
        await reopened.RestoreAsync("latest", target);
        Assert.Equal(ChatData.Dump(db), ChatData.Dump(Path.Combine(target, "msgstore.db")));
    }

    [Fact]
    public async Task APackWhoseHeaderDiffersFromTheIndexIsDamageAndRestoreWritesNoFile()
    {
        using var f = new Fixture();
        string db = ChatData.CreateDatabase(f.Source, 20_000);
        await using (var repo = await f.InitAsync()) await repo.BackupAsync(new BackupSource(db, null));

        // A writer bug, sealed with K: one index object listing two of a pack's entries in the other order. Both
        // blocks have the same length, so nothing but the header check tells them apart before a block is opened.
        string swappedPack;
        using (var state = await f.OpenStateAsync())
        {
            var packs = state.Index.Packs.ToList();
            int at = packs.FindIndex(p => p.Entries.Length >= 2 && p.Entries[0].RawLength == p.Entries[1].RawLength);
            Assert.True(at >= 0);
            PackEntry[] entries = [.. packs[at].Entries];
            (entries[0], entries[1]) = (entries[1], entries[0]);
            packs[at] = packs[at] with { Entries = entries };
            swappedPack = packs[at].Name;
            byte[] index = IndexFile.Encode(state.Keys, packs);
            foreach (string old in f.StoredFiles("index/").ToList()) File.Delete(f.StoredPath(old));
            await f.Store.PutIfAbsentAsync("index/" + Convert.ToHexStringLower(SHA256.HashData(index)), index);
        }

        await using var reopened = await f.OpenAsync();
        string target = f.NewFolder("out");
        var error = await Assert.ThrowsAsync<RepositoryDamagedException>(() => reopened.RestoreAsync("latest", target));
        Assert.Equal(swappedPack, error.ObjectName);
        Assert.Equal("header differs from the index", error.Problem);
        Assert.Empty(Fixture.FilesIn(target));

        VerifyReport report = await reopened.VerifyAsync(readData: true);
        Assert.Contains(report.Problems, p => p.ObjectName == swappedPack && p.Problem == "header differs from the index");
    }

    [Fact]
    public async Task AMediaPieceSeveralFilesShareIsWrittenToEveryFile()
    {
        using var f = new Fixture();
        string db = ChatData.CreateDatabase(f.Source, 2_000);
        byte[] photo = ChatData.WriteMedia(f.Media, "a/photo.jpg", (3 << 20) + 5, 7);
        ChatData.WriteMedia(f.Media, "b/forwarded.jpg", (3 << 20) + 5, 7);
        ChatData.WriteMedia(f.Media, "c/again.jpg", (3 << 20) + 5, 7);
        await using (var repo = await f.InitAsync()) await repo.BackupAsync(new BackupSource(db, f.Media));

        await using var reopened = await f.OpenAsync();
        string target = f.NewFolder("out");
        RestoreResult result = await reopened.RestoreAsync("latest", target);
        Assert.Equal(3, result.MediaFiles);
        foreach (string name in new[] { "a/photo.jpg", "b/forwarded.jpg", "c/again.jpg" })
            Assert.Equal(photo, await File.ReadAllBytesAsync(Path.Combine(target, "media", name)));
    }

    /// <summary>A store whose Nth ranged read of at least 16 KiB (a list piece; salts are 32 bytes) comes back with one byte flipped.</summary>
    private sealed class FlippingStore(IBlobStore inner, int flipLargeRangeRead) : IBlobStore
    {
        private int _flipAt = flipLargeRangeRead;
        private int _largeRangeReads;

        public int LargeRangeReads => _largeRangeReads;

        public void Reset(int flipLargeRangeRead)
        {
            _flipAt = flipLargeRangeRead;
            _largeRangeReads = 0;
        }

        public string Description => inner.Description;
        public Task<bool> PutIfAbsentAsync(string name, ReadOnlyMemory<byte> data, CancellationToken cancellationToken = default) => inner.PutIfAbsentAsync(name, data, cancellationToken);
        public Task<byte[]> GetAsync(string name, CancellationToken cancellationToken = default) => inner.GetAsync(name, cancellationToken);

        public async Task<byte[]> GetRangeAsync(string name, long offset, int length, CancellationToken cancellationToken = default)
        {
            byte[] data = await inner.GetRangeAsync(name, offset, length, cancellationToken);
            if (length >= 16 << 10 && Interlocked.Increment(ref _largeRangeReads) == _flipAt) data[length / 2] ^= 0x01;
            return data;
        }

        public async IAsyncEnumerable<BlobInfo> ListAsync(string prefix, [EnumeratorCancellation] CancellationToken cancellationToken = default)
        {
            await foreach (BlobInfo info in inner.ListAsync(prefix, cancellationToken)) yield return info;
        }

        public Task DeleteAsync(string name, CancellationToken cancellationToken = default) => inner.DeleteAsync(name, cancellationToken);
    }
}
