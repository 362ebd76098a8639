using Lockbox.Repository;
using Lockbox.Repository.Format;
using Lockbox.Repository.Format.Config;
using Lockbox.Repository.Format.Index;
using Lockbox.Repository.Format.Pack;
using Lockbox.Repository.Format.Snapshot;

namespace Lockbox.Fuzz.Targets;

/// <summary>Real repository objects written by the repository's own writers under the fixed test key.</summary>
internal static class RepositorySamples
{
    public static RepositoryConfig Config(RepositoryHints? hints) =>
        new(TestKeys.RepositoryId, hints, FormatConstants.DefaultPackSize, FormatConstants.DefaultMediaPieceSize, 1_800_000_000_000);

    public static RepositoryHints Hints { get; } = new("https://vault.example.org", "alice@example.org", "argon2id:t=3,m=65536,p=4");

    /// <summary>A pack with one compressed and one stored blob.</summary>
    public static FinishedPack Pack()
    {
        RepositoryKeys keys = TestKeys.Repository;
        using var writer = new PackWriter(keys, 4096);
        byte[] text = [.. Enumerable.Repeat((byte)'a', 300)];
        byte[] compressed = Compression.Compress(text);
        writer.Add(keys.ComputeId(text), compressed, FormatConstants.CompressionZstd, text.Length);
        byte[] raw = [.. Enumerable.Range(0, 100).Select(i => (byte)(i * 13))];
        writer.Add(keys.ComputeId(raw), raw, FormatConstants.CompressionNone, raw.Length);
        return writer.Finish();
    }

    public static IReadOnlyCollection<PackRecord> Packs()
    {
        FinishedPack pack = Pack();
        return [new PackRecord(pack.Id, pack.Length, pack.Entries)];
    }

    /// <summary>Two media files at the default piece size (2^20 bytes): one of two pieces, one empty.</summary>
    public static MediaEntry[] Media()
    {
        RepositoryKeys keys = TestKeys.Repository;
        BlobId a = keys.ComputeId("piece a"u8), b = keys.ComputeId("piece b"u8);
        return
        [
            new MediaEntry("Media/WhatsApp Images/IMG-20260101-WA0001.jpg", (1 << 20) + 5, 638_000_000_000_000_000, keys.ComputeId("file"u8), [a, b]),
            new MediaEntry("Media/WhatsApp Voice Notes/empty.opus", 0, 638_000_000_000_000_001, keys.ComputeId(""u8), []),
        ];
    }

    public static SnapshotManifest Snapshot(long sequence, BlobId previous)
    {
        RepositoryKeys keys = TestKeys.Repository;
        BlobId list = keys.ComputeId("database list"u8);
        BlobId media = keys.ComputeId("media list"u8);
        return new SnapshotManifest(sequence, previous, 1_800_000_000_000, "pixel-8", "msgstore.db", 40_960, 4096, 4096, 10,
            [list], 2, 123_456, 200, [media], 50_000, 20_000);
    }
}
