using System.Security.Cryptography;
using Lockbox.Repository.Format;
using Lockbox.Repository.Format.Index;
using Lockbox.Repository.Format.Pack;

namespace Lockbox.Repository.Tests;

/// <summary>
/// The index (issue 12: sorted slots in buckets, see <see cref="CompactIndexTests"/>): every blob added is found at its
/// first location however many packs were added and sorted in, nothing else is found, and repeated blobs and packs keep
/// the first.
/// </summary>
public sealed class MasterIndexTests
{
    [Fact]
    public void EveryBlobIsFoundAtItsFirstLocationAcrossMerges()
    {
        var index = new MasterIndex();
        var packs = new List<PackRecord>();
        var first = new Dictionary<BlobId, (BlobId Pack, int Entry)>();
        // 60 packs of 500 blobs: 30,000 slots, about 117 a bucket, so most buckets span two chunks of 64.
        for (int p = 0; p < 60; p++)
        {
            var entries = new PackEntry[500];
            for (int e = 0; e < entries.Length; e++)
            {
                // Every seventh blob repeats one of an earlier pack (dedup across packs); the rest are new.
                BlobId id = p > 0 && e % 7 == 0 ? packs[p / 2].Entries[e].Id : RandomId();
                entries[e] = new PackEntry(id, (uint)(e * 100), 90, 80, 4096, FormatConstants.CompressionNone);
            }
            var pack = new PackRecord(RandomId(), 1 << 20, entries);
            packs.Add(pack);
            for (int e = 0; e < entries.Length; e++) first.TryAdd(entries[e].Id, (pack.Id, e));
            index.Add(pack, p % 3 == 0 ? $"index/{p}" : null);
            if (p == 30) index.Compact();
        }
        Assert.Equal(first.Count, index.BlobCount);
        Assert.Equal(60, index.PackCount);
        foreach (var (id, (packId, entryIndex)) in first)
        {
            Assert.True(index.TryGet(id, out PackRecord pack, out PackEntry entry, out int at));
            Assert.Equal(packId, pack.Id);
            Assert.Equal(entryIndex, at);
            Assert.Equal(id, entry.Id);
            Assert.True(index.ContainsBlob(id));
        }
        index.Compact();
        foreach (var (id, (packId, _)) in first)
        {
            Assert.True(index.TryGet(id, out PackRecord pack, out _));
            Assert.Equal(packId, pack.Id);
        }
        for (int i = 0; i < 1000; i++) Assert.False(index.ContainsBlob(RandomId()));
        Assert.False(index.TryGet(default, out _, out _, out int none));
        Assert.Equal(-1, none);
    }

    [Fact]
    public void ASecondAddOfAPackOnlyRecordsItsIndexObject()
    {
        var index = new MasterIndex();
        var pack = new PackRecord(RandomId(), 1000, [new PackEntry(RandomId(), 32, 100, 90, 90, FormatConstants.CompressionNone)]);
        index.Add(pack, "index/a");
        index.Add(pack with { Entries = [new PackEntry(RandomId(), 32, 100, 90, 90, FormatConstants.CompressionNone)] }, "index/b");
        Assert.Equal(1, index.PackCount);
        Assert.Equal(1, index.BlobCount);
        Assert.Equal([pack.Id], index.IndexObjects["index/b"]);
        Assert.True(index.ContainsBlob(pack.Entries[0].Id));
    }

    [Fact]
    public void AnEmptyIndexFindsNothing()
    {
        var index = new MasterIndex();
        index.Compact();
        Assert.False(index.ContainsBlob(RandomId()));
        Assert.Equal(0, index.BlobCount);
    }

    private static BlobId RandomId() => BlobId.Read(RandomNumberGenerator.GetBytes(BlobId.Size));
}
