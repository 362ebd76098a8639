using System.Security.Cryptography;
using Lockbox.Cryptography;
using Lockbox.Repository.Chunking;
using Lockbox.Repository.Format;
using Lockbox.Repository.Format.Index;
using Lockbox.Repository.Format.Pack;

namespace Lockbox.Repository.Tests;

/// <summary>
/// The index at 40 bytes a blob (issue 12): slots sorted in place in 256 buckets of 64-slot chunks, entry fields in 8
/// bytes with offsets derived per pack. Every blob is found at its first location with exactly the entry it was added
/// with, across bucket and chunk boundaries, duplicates within and across packs, packs laid out as Lockbox writes them
/// and packs laid out otherwise, and packs added after loading.
/// </summary>
public sealed class CompactIndexTests
{
    [Fact]
    public void EveryBlobIsFoundWithItsExactEntryAtItsFirstLocation()
    {
        var index = new MasterIndex();
        var packs = new List<PackRecord>();
        var first = new Dictionary<BlobId, (int Pack, int Entry, PackEntry Entry2)>();
        var rng = new Random(12);
        // 45 packs of 1 to 900 entries: ~20,000 slots, ~80 a bucket, so every bucket spans two chunks or more.
        for (int p = 0; p < 45; p++)
        {
            PackRecord pack = MakePack(rng, packs, p, rng.Next(1, 900), layout: p % 5);
            packs.Add(pack);
            for (int e = 0; e < pack.Entries.Length; e++) first.TryAdd(pack.Entries[e].Id, (p, e, pack.Entries[e]));
            index.AddLoaded(pack.Id, pack.Length, pack.Entries, PackReader.EntriesDigest(pack.Entries), $"index/{p / 8}");
        }
        index.Compact();

        Assert.Equal(first.Count, index.BlobCount);
        Assert.Equal(45, index.PackCount);
        foreach (var (id, (p, e, entry)) in first)
        {
            Assert.True(index.TryGet(id, out PackRecord pack, out PackEntry found, out int at));
            Assert.Equal(packs[p].Id, pack.Id);
            Assert.Equal(e, at);
            Assert.Equal(entry, found);
            Assert.True(index.TryLocate(id, out int position, out int entryIndex));
            Assert.Equal((p, e), (position, entryIndex));
            Assert.Equal(entry, index.EntryAt(id, position, entryIndex));
            Assert.Same(pack, index.PackAt(position));
        }
        for (int i = 0; i < 2000; i++) Assert.False(index.ContainsBlob(RandomId()));
        Assert.False(index.TryLocate(default, out int none, out _));
        Assert.Equal(-1, none);
    }

    /// <summary>
    /// A pack as PackWriter writes it keeps one offset per 16 entries, not every entry's offset and sealed length (8 bytes
    /// a blob: 4.5 MiB at 4 GiB of chat). The layout once assumed unpadded blobs, so every real pack took the long form.
    /// </summary>
    [Fact]
    public void APackAsLockboxWritesItKeepsTheShortLayoutAndGivesBackItsExactEntries()
    {
        using var key = BackupKey.Generate();
        using var keys = new RepositoryKeys(key);
        var rng = new Random(3);
        FinishedPack pack;
        using (var writer = new PackWriter(keys, 1 << 20))
        {
            for (int i = 0; i < 70; i++)
            {
                byte[] raw = new byte[rng.Next(1, 9000)];
                rng.NextBytes(raw);
                if (i % 2 == 0) raw.AsSpan(raw.Length / 3).Clear(); // compressible: a zstd payload
                byte[] payload = i % 2 == 0 ? Compression.Compress(raw) : raw;
                writer.Add(keys.ComputeId(raw), payload, i % 2 == 0 ? FormatConstants.CompressionZstd : FormatConstants.CompressionNone, raw.Length);
            }
            pack = writer.Finish();
        }

        var fields = new EntryFieldStore();
        foreach (PackEntry e in pack.Entries) fields.Add(EntryFields.Pack(e));
        PackLayout layout = PackLayout.Of(0, pack.Entries);

        Assert.True(layout.IsRegular);
        for (int i = 0; i < pack.Entries.Length; i++) Assert.Equal(pack.Entries[i], layout.EntryAt(pack.Entries[i].Id, i, fields));
        // Unpadded blobs are not how Lockbox writes: such a pack keeps the long form, and still its exact entries.
        PackEntry[] unpadded = [.. pack.Entries.Select(e => e with { SealedLength = e.PayloadLength + Aead.Overhead })];
        for (int i = 1; i < unpadded.Length; i++) unpadded[i] = unpadded[i] with { Offset = unpadded[i - 1].Offset + unpadded[i - 1].SealedLength };
        Assert.Contains(unpadded, e => Padme.PaddedLength((int)e.PayloadLength) != e.PayloadLength);
        PackLayout other = PackLayout.Of(0, unpadded);
        Assert.False(other.IsRegular);
        for (int i = 0; i < unpadded.Length; i++) Assert.Equal(unpadded[i], other.EntryAt(unpadded[i].Id, i, fields));
    }

    [Fact]
    public void ThePacksViewGivesBackEveryPackAsAddedWithItsDigest()
    {
        var index = new MasterIndex();
        var packs = new List<PackRecord>();
        var rng = new Random(7);
        // 150 packs: the view is built a window of packs at a time (MasterIndex.PacksPerView), so this crosses two windows.
        for (int p = 0; p < 150; p++)
        {
            PackRecord pack = MakePack(rng, packs, p, rng.Next(1, 120), layout: p % 5);
            packs.Add(pack);
            index.AddLoaded(pack.Id, pack.Length, pack.Entries, PackReader.EntriesDigest(pack.Entries), "index/a");
        }
        index.Compact();

        List<PackRecord> view = index.Packs.ToList();
        Assert.Equal(packs.Count, view.Count);
        for (int p = 0; p < packs.Count; p++)
        {
            Assert.Equal(packs[p].Id, view[p].Id);
            Assert.Equal(packs[p].Length, view[p].Length);
            Assert.Equal(packs[p].Entries, view[p].Entries);
            Assert.Equal(PackReader.EntriesDigest(packs[p].Entries), index.PackList[p].EntriesDigest);
            Assert.Equal(packs[p].Entries.Length, index.PackList[p].EntryCount);
            // The held records carry no entries: a caller that needs them must ask for the full view.
            Assert.Throws<InvalidOperationException>(() => index.PackList[p].Entries);
        }
        Assert.Equal(packs.Sum(p => p.Entries.Sum(e => (long)e.RawLength)), index.TotalRawBytes);
        Assert.Equal(packs.Sum(p => p.Length), index.TotalPackBytes);
    }

    [Fact]
    public void APackAddedAfterLoadingIsFoundAndEarlierLocationsStayFirst()
    {
        var index = new MasterIndex();
        var packs = new List<PackRecord>();
        var first = new Dictionary<BlobId, (BlobId Pack, PackEntry Entry)>();
        var rng = new Random(3);
        for (int p = 0; p < 6; p++)
        {
            PackRecord pack = MakePack(rng, packs, p, 500, layout: 0);
            packs.Add(pack);
            foreach (PackEntry e in pack.Entries) first.TryAdd(e.Id, (pack.Id, e));
            index.AddLoaded(pack.Id, pack.Length, pack.Entries, pack.EntriesDigest, "index/a");
        }
        index.Compact();
        int before = index.BlobCount;
        // A pack adopted later: half of its blobs repeat ones already indexed, the rest are new.
        PackEntry[] entries = [.. Enumerable.Range(0, 300).Select(i => i % 2 == 0
            ? packs[i % 6].Entries[i]
            : new PackEntry(RandomId(), 0, 100, 72, 4096, FormatConstants.CompressionZstd))];
        for (int i = 0, offset = FormatConstants.PackSaltSize; i < entries.Length; offset += (int)entries[i].SealedLength, i++)
            entries[i] = entries[i] with { Offset = (uint)offset };
        var late = new PackRecord(RandomId(), 1 << 20, entries);
        index.Add(late, null);

        for (int i = 0; i < entries.Length; i++)
        {
            Assert.True(index.TryGet(entries[i].Id, out PackRecord pack, out PackEntry found, out int at));
            if (i % 2 == 0)
            {
                Assert.Equal(first[entries[i].Id], (pack.Id, found));
            }
            else
            {
                Assert.Equal(late.Id, pack.Id);
                Assert.Equal((i, entries[i]), (at, found));
            }
        }
        Assert.Equal(before + 150, index.BlobCount);
        Assert.Equal(7, index.PackCount);
    }

    [Fact]
    public void AMalformedIndexPayloadAddsNothing()
    {
        var rng = new Random(5);
        var packs = new List<PackRecord>();
        PackRecord good = MakePack(rng, packs, 0, 50, layout: 0);
        packs.Add(good);
        // The second pack's last entry points past its header: the payload is malformed after the first pack was read.
        PackRecord bad = MakePack(rng, packs, 1, 20, layout: 0);
        PackEntry[] badEntries = [.. bad.Entries];
        badEntries[^1] = badEntries[^1] with { Offset = (uint)bad.Length };
        byte[] payload = Payload([good, bad with { Entries = badEntries }]);

        var index = new MasterIndex();
        PackEntry[] scratch = [];
        var error = Assert.Throws<CorruptDataException>(() => IndexFile.AddTo(index, "index/x", payload, ref scratch));
        Assert.Equal("blob entry points outside the pack", error.Message);
        index.Compact();
        Assert.Equal(0, index.PackCount);
        Assert.Equal(0, index.BlobCount);
        Assert.False(index.ContainsBlob(good.Entries[0].Id));

        // Truncated by one byte: the same, whatever the scratch buffer held before.
        Assert.Throws<CorruptDataException>(() => IndexFile.AddTo(index, "index/x", Payload([good])[..^1], ref scratch));
        Assert.Equal(0, index.PackCount);

        // Intact, it adds every pack with the digest of the bytes a pack header would hold.
        IndexFile.AddTo(index, "index/x", Payload([good, bad]), ref scratch);
        index.Compact();
        Assert.Equal(2, index.PackCount);
        Assert.Equal(good.EntriesDigest, index.PackList[0].EntriesDigest);
        Assert.Equal(bad.EntriesDigest, index.PackList[1].EntriesDigest);
        Assert.Equal(good.Entries.Concat(bad.Entries).Select(e => e.Id).Distinct().Count(), index.BlobCount);
    }

    [Fact]
    public void AnIndexObjectDecodesThroughTheLoadingPathToThePacksItWasWrittenFrom()
    {
        var rng = new Random(11);
        var packs = new List<PackRecord>();
        for (int p = 0; p < 5; p++) packs.Add(MakePack(rng, packs, p, rng.Next(1, 300), layout: p));
        using BackupKey key = BackupKey.Generate();
        using var keys = new RepositoryKeys(key);
        keys.BindRepository(RandomNumberGenerator.GetBytes(16));
        byte[] sealedIndex = IndexFile.Encode(keys, packs);

        List<PackRecord> decoded = IndexFile.Decode(keys, sealedIndex);
        Assert.Equal(packs.Select(p => (p.Id, p.Length)), decoded.Select(p => (p.Id, p.Length)));
        for (int p = 0; p < packs.Count; p++) Assert.Equal(packs[p].Entries, decoded[p].Entries);

        sealedIndex[^1] ^= 1;
        var error = Assert.Throws<CorruptDataException>(() => IndexFile.Decode(keys, sealedIndex));
        Assert.Equal("authentication failed (tampered, or not written with this key)", error.Message);
    }

    /// <summary>A pack's entries; layout 0-2 as Lockbox writes them, 3 with a gap between two blobs, 4 with padded sealed lengths.</summary>
    private static PackRecord MakePack(Random rng, List<PackRecord> earlier, int p, int count, int layout)
    {
        var entries = new PackEntry[count];
        long offset = FormatConstants.PackSaltSize;
        for (int e = 0; e < count; e++)
        {
            // Every ninth blob repeats one of an earlier pack, every 53rd one of this pack: dedup keeps the first.
            BlobId id = e % 9 == 4 && earlier.Count > 0 ? earlier[rng.Next(earlier.Count)].Entries[0].Id
                : e % 53 == 52 ? entries[e / 2].Id
                : RandomId();
            byte compression = (byte)rng.Next(0, FormatConstants.CompressionDelta + 1);
            uint raw = e == 0 && p == 1 ? (uint)PackEntry.MaxRawLength : (uint)rng.Next(1, 1 << 20);
            uint payload = compression == FormatConstants.CompressionNone ? raw : (uint)rng.Next(0, 1 << 21);
            // Layouts 0-2 as PackWriter lays packs out (payload padded by Padmé, then sealed); 3 has a gap; 4 odd lengths.
            uint sealedLength = (uint)Padme.PaddedLength((int)payload) + Aead.Overhead + (layout == 4 && e % 3 == 1 ? 5u : 0u);
            if (layout == 3 && e == count / 2) offset += 7;
            entries[e] = new PackEntry(id, (uint)offset, sealedLength, payload, raw, compression);
            offset += sealedLength;
        }
        return new PackRecord(RandomId(), offset + 4096, entries);
    }

    /// <summary>An index object's payload (FORMAT.md "Index") for <paramref name="packs"/>.</summary>
    private static byte[] Payload(IReadOnlyCollection<PackRecord> packs)
    {
        var w = new ByteWriter(64);
        w.U32((uint)packs.Count);
        foreach (PackRecord p in packs)
        {
            w.Id(p.Id);
            w.U64((ulong)p.Length);
            w.U32((uint)p.Entries.Length);
            foreach (PackEntry e in p.Entries) e.Write(w);
        }
        return w.Written.ToArray();
    }

    private static BlobId RandomId() => BlobId.Read(RandomNumberGenerator.GetBytes(BlobId.Size));
}
