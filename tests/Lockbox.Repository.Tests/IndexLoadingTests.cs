using System.Security.Cryptography;
using Lockbox.Repository.Engine;
using Lockbox.Repository.Format;
using Lockbox.Repository.Format.Index;
using Lockbox.Repository.Format.Pack;
using Lockbox.Repository.Tests.Support;

namespace Lockbox.Repository.Tests;

/// <summary>
/// Loading the index reads, opens and decompresses every index object into buffers reused from object to object (issue
/// 12): an object damaged in any way is reported as damage naming it, adds nothing, and leaves the objects around it
/// loaded as they are, whatever a longer object left in the buffers before it.
/// </summary>
public sealed class IndexLoadingTests
{
    [Fact]
    public async Task DamagedIndexObjectsAmongGoodOnesAreReportedAndAddNothing()
    {
        using var f = new Fixture();
        string db = ChatData.CreateDatabase(f.Source, 3_000);
        await using (var repo = await f.InitAsync()) await repo.BackupAsync(new BackupSource(db, null));
        using var state = await f.OpenStateAsync();
        int realBlobs = state.Index.BlobCount;

        // A large good object (fake packs: loading does not read packs), and three damaged ones that are each shorter.
        var fake = Enumerable.Range(0, 40).Select(p => FakePack(300)).ToList();
        string large = await PutAsync(f, IndexFile.Encode(state.Keys, fake));
        byte[] tampered = IndexFile.Encode(state.Keys, [FakePack(5)]);
        tampered[^3] ^= 0x20;                                         // fails authentication, stored under its own hash
        string forged = await PutAsync(f, tampered);
        PackRecord outside = FakePack(4);
        PackEntry[] bad = [.. outside.Entries];
        bad[2] = bad[2] with { Offset = (uint)outside.Length };       // authenticates, but an entry points past the header
        string malformed = await PutAsync(f, IndexFile.Encode(state.Keys, [FakePack(3), outside with { Entries = bad }]));
        byte[] garbage = MetadataEnvelope.Seal(state.Keys, FormatConstants.TypeIndex, [1, 0, 0, 0]);   // one pack listed, none there
        string truncated = await PutAsync(f, garbage);

        var problems = new List<RepositoryProblem>();
        await state.LoadIndexAsync(CancellationToken.None, problems);
        Assert.Equal(
            new[] { (forged, "authentication failed (tampered, or not written with this key)"), (malformed, "blob entry points outside the pack"), (truncated, "item count exceeds the data") }.OrderBy(p => p.Item1),
            problems.Select(p => (p.ObjectName, p.Problem)).OrderBy(p => p.Item1));
        Assert.Equal(realBlobs + 40 * 300, state.Index.BlobCount);
        Assert.True(state.Index.IndexObjects.ContainsKey(large));
        Assert.False(state.Index.IndexObjects.ContainsKey(malformed));
        foreach (PackRecord p in fake)
            foreach (PackEntry e in p.Entries)
            {
                Assert.True(state.Index.TryGet(e.Id, out PackRecord held, out PackEntry found));
                Assert.Equal((p.Id, e), (held.Id, found));
            }

        // Without a problem list, the first damaged object stops the load as damage naming it, not as an exception of another kind.
        var error = await Assert.ThrowsAsync<RepositoryDamagedException>(() => state.LoadIndexAsync(CancellationToken.None));
        Assert.Contains(error.ObjectName, new[] { forged, malformed, truncated });
    }

    [Fact]
    public async Task AnIndexObjectWhoseBytesDoNotMatchItsNameIsDamage()
    {
        using var f = new Fixture();
        string db = ChatData.CreateDatabase(f.Source, 2_000);
        await using (var repo = await f.InitAsync()) await repo.BackupAsync(new BackupSource(db, null));
        string name = f.StoredFiles("index/").First();
        byte[] data = await File.ReadAllBytesAsync(f.StoredPath(name));
        await File.WriteAllBytesAsync(f.StoredPath(name), data[..^1]);

        await using var reopened = await f.OpenAsync();
        VerifyReport report = await reopened.VerifyAsync(readData: false);
        Assert.Contains(report.Problems, p => p.ObjectName == name && p.Problem == "content does not match its name (tampered, truncated or swapped)");
    }

    private static async Task<string> PutAsync(Fixture f, byte[] data)
    {
        string name = FormatConstants.IndexPrefix + Convert.ToHexStringLower(SHA256.HashData(data));
        await f.Store.PutIfAbsentAsync(name, data);
        return name;
    }

    private static PackRecord FakePack(int count)
    {
        var entries = new PackEntry[count];
        for (int e = 0; e < count; e++)
            entries[e] = new PackEntry(BlobId.Read(RandomNumberGenerator.GetBytes(BlobId.Size)), (uint)(FormatConstants.PackSaltSize + e * 4124), 4124, 4096, 4096, FormatConstants.CompressionNone);
        return new PackRecord(BlobId.Read(RandomNumberGenerator.GetBytes(BlobId.Size)), FormatConstants.PackSaltSize + count * 4124L + 4096, entries);
    }
}
