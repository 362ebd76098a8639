using System.Buffers.Binary;
using System.Security.Cryptography;
using System.Text;
using Lockbox.Cryptography;
using Lockbox.Repository.Chunking;
using Lockbox.Repository.Format;
using Lockbox.Repository.Format.Pack;
using Lockbox.Repository.Tests.Support;

namespace Lockbox.Repository.Tests;

/// <summary>
/// Reads what the engine wrote with nothing but docs/FORMAT.md and the platform's primitives, byte by byte:
/// if these pass, an independent reader following the document can read a Lockbox repository.
/// </summary>
public sealed class FormatTests
{
    private static readonly byte[] K = Convert.FromHexString("000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f");

    private static byte[] Hkdf(string label, ReadOnlySpan<byte> context)
    {
        byte[] info = [.. Encoding.ASCII.GetBytes(label), .. context];
        return HKDF.DeriveKey(HashAlgorithmName.SHA256, K, 32, Encoding.ASCII.GetBytes("lockbox/v1/hkdf-salt"), info);
    }

    private static byte[]? OpenGcm(byte[] key, ReadOnlySpan<byte> sealedBytes, ReadOnlySpan<byte> ad)
    {
        byte[] plain = new byte[sealedBytes.Length - 28];
        using var gcm = new AesGcm(key, 16);
        try { gcm.Decrypt(sealedBytes[..12], sealedBytes[12..^16], sealedBytes[^16..], plain, ad); }
        catch (AuthenticationTagMismatchException) { return null; }
        return plain;
    }

    [Theory]
    [InlineData(0, 0)]
    [InlineData(1, 1)]
    [InlineData(3, 3)]
    [InlineData(4097, 4352)]
    [InlineData(600_000, 606_208)]
    [InlineData(1 << 20, 1 << 20)]
    [InlineData((1 << 20) + 1, 1_081_344)]
    public void PadmeRoundsAsSpecified(int length, int padded) => Assert.Equal(padded, Padme.PaddedLength(length));

    [Fact]
    public async Task ConfigLayoutMatchesTheDocument()
    {
        using var f = new Fixture();
        using var key = BackupKey.Import(K);
        await (await BackupRepository.InitAsync(f.Store, key, new RepositoryHints("https://v.example", null))).DisposeAsync();
        byte[] config = await File.ReadAllBytesAsync(f.StoredPath("config"));
        Assert.Equal("LOCKBOX-REPO\0"u8.ToArray(), config[..13]);
        Assert.Equal(2, config[13]);   // format version 2: delta blocks (FORMAT.md section 15)
        byte[] repositoryId = config[14..30];
        Assert.Equal(Hkdf("lockbox/v1/key-check", repositoryId), config[30..62]);
        Assert.Equal(1, config[62]);                                       // flags: vault URL only
        int urlLength = BinaryPrimitives.ReadInt32LittleEndian(config.AsSpan(63));
        Assert.Equal("https://v.example", Encoding.UTF8.GetString(config, 67, urlLength));
        int headerEnd = 67 + urlLength;
        byte[] parameters = OpenGcm(Hkdf("lockbox/v1/config", []), config.AsSpan(headerEnd), config.AsSpan(0, headerEnd))!;
        Assert.Equal(16, parameters.Length);
        Assert.Equal(8 << 20, BinaryPrimitives.ReadInt32LittleEndian(parameters));
        Assert.Equal(1 << 20, BinaryPrimitives.ReadInt32LittleEndian(parameters.AsSpan(4)));
    }

    [Fact]
    public void DeltaIdIsTheDocumentedKeyedHashOfBaseAndBlockIds()
    {
        using var key = BackupKey.Import(K);
        using var keys = new RepositoryKeys(key);
        BlobId baseId = keys.ComputeId("base page"u8), blockId = keys.ComputeId("new page"u8);
        byte[] input = [.. "lockbox/v2/delta"u8, .. baseId.ToArray(), .. blockId.ToArray()];
        Assert.Equal(HMACSHA256.HashData(Hkdf("lockbox/v1/blob-id", []), input), keys.DeltaId(baseId, blockId).ToArray());
        Assert.NotEqual(keys.DeltaId(baseId, blockId), keys.DeltaId(blockId, baseId));
    }

    [Fact]
    public async Task ReaderRefusesAConfigOfAnUnknownVersion()
    {
        using var f = new Fixture();
        await (await f.InitAsync()).DisposeAsync();
        byte[] config = await File.ReadAllBytesAsync(f.StoredPath("config"));
        config[13] = 3;
        await File.WriteAllBytesAsync(f.StoredPath("config"), config);
        var e = await Assert.ThrowsAsync<RepositoryDamagedException>(() => f.OpenAsync());
        Assert.Contains("format version 3 is not supported", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void PackLayoutOpensWithTheDocumentedKeysAndAssociatedData()
    {
        using var key = BackupKey.Import(K);
        using var keys = new RepositoryKeys(key);
        byte[] raw1 = Encoding.UTF8.GetBytes(string.Concat(Enumerable.Repeat("a chat page ", 300)));
        byte[] raw2 = RandomNumberGenerator.GetBytes(5000);
        byte[] compressed = Compression.Compress(raw1);
        FinishedPack pack;
        using (var writer = new PackWriter(keys, 1 << 16))
        {
            writer.Add(keys.ComputeId(raw1), compressed, FormatConstants.CompressionZstd, raw1.Length);
            writer.Add(keys.ComputeId(raw2), raw2, FormatConstants.CompressionNone, raw2.Length);
            pack = writer.Finish();
        }
        byte[] bytes = pack.Bytes.ToArray();
        Assert.Equal(SHA256.HashData(bytes), pack.Id.ToArray());
        Assert.Equal($"data/{Convert.ToHexStringLower(SHA256.HashData(bytes))[..2]}/{Convert.ToHexStringLower(SHA256.HashData(bytes))}", pack.Name);

        byte[] salt = bytes[..32];
        byte[] packKey = Hkdf("lockbox/v1/pack", salt);
        int headerLength = BinaryPrimitives.ReadInt32LittleEndian(bytes.AsSpan(bytes.Length - 4));
        byte[] header = OpenGcm(packKey, bytes.AsSpan(bytes.Length - 4 - headerLength, headerLength), "lockbox/v1/pack-header"u8)!;
        Assert.Equal(1, header[0]);
        Assert.Equal(2, BinaryPrimitives.ReadInt32LittleEndian(header.AsSpan(1)));
        Assert.Equal(5 + 2 * 49, header.Length);

        byte[] blobIdKey = Hkdf("lockbox/v1/blob-id", []);
        foreach (var (index, raw) in new[] { (0, raw1), (1, raw2) })
        {
            ReadOnlySpan<byte> e = header.AsSpan(5 + index * 49, 49);
            byte[] id = e[..32].ToArray();
            Assert.Equal(HMACSHA256.HashData(blobIdKey, raw), id);
            int offset = BinaryPrimitives.ReadInt32LittleEndian(e[32..]);
            int sealedLength = BinaryPrimitives.ReadInt32LittleEndian(e[36..]);
            int payloadLength = BinaryPrimitives.ReadInt32LittleEndian(e[40..]);
            int rawLength = BinaryPrimitives.ReadInt32LittleEndian(e[44..]);
            byte compression = e[48];
            Assert.Equal(raw.Length, rawLength);
            byte[] frame = OpenGcm(packKey, bytes.AsSpan(offset, sealedLength), id)!;
            Assert.Equal(Padme.PaddedLength(payloadLength), frame.Length);
            Assert.All(frame[payloadLength..], b => Assert.Equal(0, b));
            byte[] payload = frame[..payloadLength];
            byte[] plain = compression == 1 ? new ZstdSharp.Decompressor().Unwrap(payload).ToArray() : payload;
            Assert.Equal(raw, plain);
            Assert.Null(OpenGcm(packKey, bytes.AsSpan(offset, sealedLength), new byte[32]));   // bound to its id
        }
        pack.Release();
    }

    [Fact]
    public void MetadataEnvelopeIsVersionTypeAndAeadOfZstd()
    {
        using var key = BackupKey.Import(K);
        using var keys = new RepositoryKeys(key);
        byte[] repositoryId = Convert.FromHexString("00112233445566778899aabbccddeeff");
        keys.BindRepository(repositoryId);
        byte[] payload = Encoding.UTF8.GetBytes("index payload");
        byte[] sealedObject = MetadataEnvelope.Seal(keys, FormatConstants.TypeIndex, payload);
        Assert.Equal(1, sealedObject[0]);
        Assert.Equal((byte)'I', sealedObject[1]);
        byte[] zstd = OpenGcm(Hkdf("lockbox/v1/metadata", repositoryId), sealedObject.AsSpan(2), sealedObject.AsSpan(0, 2))!;
        Assert.Equal(payload, new ZstdSharp.Decompressor().Unwrap(zstd).ToArray());

        Assert.Throws<CorruptDataException>(() => MetadataEnvelope.Open(keys, FormatConstants.TypeSnapshot, sealedObject));
        using (var other = new RepositoryKeys(key))
        {
            other.BindRepository(new byte[16]);   // same K, another repository: its objects do not open here
            Assert.Throws<CorruptDataException>(() => MetadataEnvelope.Open(other, FormatConstants.TypeIndex, sealedObject));
        }
        sealedObject[0] = 2;
        var e = Assert.Throws<CorruptDataException>(() => MetadataEnvelope.Open(keys, FormatConstants.TypeIndex, sealedObject));
        Assert.Contains("unsupported format version 2", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void MediaListRefusesPathsThatEscapeTheRestoreFolder()
    {
        foreach (string bad in new[] { "../etc/passwd", "/abs", "a/../../b", "a//b", "a\\b", "." })
            Assert.False(Format.Snapshot.MediaList.IsSafeRelativePath(bad), bad);
        Assert.True(Format.Snapshot.MediaList.IsSafeRelativePath("Chat A/IMG 1.jpg"));
        var entry = new Format.Snapshot.MediaEntry("../evil", 0, 0, default, []);
        byte[] encoded = Format.Snapshot.MediaList.Encode([entry]);
        Assert.Throws<CorruptDataException>(() => Format.Snapshot.MediaList.Decode(encoded, 1 << 20));
    }
}
