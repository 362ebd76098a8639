using System.Security.Cryptography;

namespace Lockbox.WhatsApp.Tests;

/// <summary>What Lockbox writes, Lockbox (and any decoder following docs/WHATSAPP.md) reads back.</summary>
public sealed class RoundTripTests
{
    [Fact]
    public void EncryptThenDecryptGivesBackTheDatabase()
    {
        byte[] database = FixtureDatabase();
        using WhatsAppKey key = Fixtures.Key();
        byte[] file = Encrypt(database, key);

        using var output = new MemoryStream();
        Crypt15Result result = Crypt15Reader.Decrypt(file, key, output);
        Assert.True(result.Succeeded, result.Error);
        Assert.Equal(Crypt15Payload.Zlib, result.Payload);
        Assert.Equal(database, output.ToArray());
    }

    [Fact]
    public void HeaderWrittenCarriesTheFieldsRead()
    {
        var template = new Crypt15Header
        {
            KeyType = WhatsAppKeyType.EndToEndEncryptionKey,
            AppVersion = "2.24.9.78",
            JidSuffix = "42",
            Features = new SortedDictionary<int, bool> { [4] = false, [5] = true, [17] = true, [39] = false },
            HasFeatureTable = true,
        };
        using WhatsAppKey key = Fixtures.Key();
        using var file = new MemoryStream();
        Crypt15Header written = Crypt15Writer.Encrypt(new MemoryStream([1, 2, 3]), key, file, template);

        Assert.True(Crypt15Reader.TryReadHeader(file.ToArray(), out Crypt15Header? read, out string? error), error);
        Assert.Equal(template.KeyType, read!.KeyType);
        Assert.Equal(template.AppVersion, read.AppVersion);
        Assert.Equal(template.JidSuffix, read.JidSuffix);
        Assert.Equal(template.Features, read.Features);
        Assert.True(read.HasFeatureTable);
        Assert.Equal(16, read.Iv.Length);
        Assert.Equal(written.Iv.ToArray(), read.Iv.ToArray());
        Assert.Equal(written.Features, read.Features);
    }

    [Fact]
    public void HeaderWithoutFeatureTableByteRoundTrips()
    {
        var template = new Crypt15Header { AppVersion = "2.21.1.1", HasFeatureTable = false };
        using WhatsAppKey key = Fixtures.Key();
        byte[] database = [.. Enumerable.Range(0, 5000).Select(i => (byte)(i * 7))];
        byte[] file = Encrypt(database, key, template);

        Assert.Equal(0x08, file[1]); // the protobuf starts right after the length byte
        Assert.True(Crypt15Reader.TryReadHeader(file, out Crypt15Header? read, out _));
        Assert.False(read!.HasFeatureTable);
        Assert.Empty(read.Features);
        using var output = new MemoryStream();
        Assert.True(Crypt15Reader.Decrypt(file, key, output).Succeeded);
        Assert.Equal(database, output.ToArray());
    }

    [Fact]
    public void DefaultHeaderMatchesTheReferenceBackupExceptIvAndPhoneDigits()
    {
        using WhatsAppKey key = Fixtures.Key();
        byte[] file = Encrypt([0x42], key);
        Assert.True(Crypt15Reader.TryReadHeader(file, out Crypt15Header? read, out _));
        Assert.Equal(WhatsAppKeyType.EndToEndLegacy, read!.KeyType);
        Assert.Equal("2.22.5.13", read.AppVersion);
        Assert.Null(read.JidSuffix);
        Assert.Equal(Crypt15Header.Default.Features, read.Features);
    }

    [Fact]
    public void EachFileGetsAFreshIv()
    {
        using WhatsAppKey key = Fixtures.Key();
        byte[] a = Encrypt([1, 2, 3], key);
        byte[] b = Encrypt([1, 2, 3], key);
        Assert.True(Crypt15Reader.TryReadHeader(a, out Crypt15Header? ha, out _));
        Assert.True(Crypt15Reader.TryReadHeader(b, out Crypt15Header? hb, out _));
        Assert.NotEqual(ha!.Iv.ToArray(), hb!.Iv.ToArray());
        Assert.NotEqual(a, b);
    }

    [Fact]
    public void WrittenFileHasTheDocumentedLayout()
    {
        using WhatsAppKey key = Fixtures.Key();
        byte[] database = [.. Enumerable.Repeat((byte)'x', 1000)];
        byte[] iv = [.. Enumerable.Range(0, 16).Select(i => (byte)i)];
        using var stream = new MemoryStream();
        Crypt15Writer.Encrypt(new MemoryStream(database), key, stream, Crypt15Header.Default, iv);
        byte[] file = stream.ToArray();

        int bodyOffset = 2 + file[0];
        Assert.Equal(0x01, file[1]);
        // MD5 of everything before the last 16 bytes
        Assert.Equal(MD5.HashData(file.AsSpan(0, file.Length - 16)), file[^16..]);
        // The body is AES-256-GCM under HKDF-SHA256(root, zero salt, "backup encryption") with the header's IV,
        // of a zlib stream: checked here with .NET's HKDF and the independent GCM test vectors' code path.
        byte[] bodyKey = HKDF.DeriveKey(HashAlgorithmName.SHA256, Convert.FromHexString(Fixtures.KeyDigits), 32, new byte[32], "backup encryption"u8.ToArray());
        byte[] ciphertext = file[bodyOffset..^32];
        byte[] zlib = new byte[ciphertext.Length];
        Assert.True(Crypto.LongIvAesGcm.TryDecrypt(bodyKey, iv, ciphertext, file[^32..^16], zlib));
        Assert.Equal(new byte[] { 0x78, 0x01 }, zlib[..2]); // zlib at its fastest level, as in WhatsApp's own file
        using var inflate = new System.IO.Compression.ZLibStream(new MemoryStream(zlib), System.IO.Compression.CompressionMode.Decompress);
        using var inflated = new MemoryStream();
        inflate.CopyTo(inflated);
        Assert.Equal(database, inflated.ToArray());
    }

    [Fact]
    public void MultiFileBackupWithZipAndNoChecksumIsPassedThrough()
    {
        // A multi-file crypt15 (stickers, wallpapers): a zip as the GCM plaintext, no MD5 trailer.
        byte[] zip;
        using (var buffer = new MemoryStream())
        {
            using (var archive = new System.IO.Compression.ZipArchive(buffer, System.IO.Compression.ZipArchiveMode.Create, leaveOpen: true))
            {
                using Stream entry = archive.CreateEntry("wallpaper.jpg").Open();
                entry.Write([0xFF, 0xD8, 0xFF, 0xE0]);
            }
            zip = buffer.ToArray();
        }
        byte[] iv = RandomNumberGenerator.GetBytes(16);
        byte[] header = Crypt15HeaderCodec.Write(new Crypt15Header { AppVersion = "2.22.5.13" }, iv);
        byte[] bodyKey = HKDF.DeriveKey(HashAlgorithmName.SHA256, Convert.FromHexString(Fixtures.KeyDigits), 32, new byte[32], "backup encryption"u8.ToArray());
        byte[] ciphertext = new byte[zip.Length];
        byte[] tag = new byte[16];
        Crypto.LongIvAesGcm.Encrypt(bodyKey, iv, zip, ciphertext, tag);
        byte[] file = [.. header, .. ciphertext, .. tag];

        using WhatsAppKey key = Fixtures.Key();
        using var output = new MemoryStream();
        Crypt15Result result = Crypt15Reader.Decrypt(file, key, output);
        Assert.True(result.Succeeded, result.Error);
        Assert.Equal(Crypt15Payload.Zip, result.Payload);
        Assert.False(result.HasChecksum);
        Assert.Equal(zip, output.ToArray());
    }

    internal static byte[] FixtureDatabase()
    {
        using WhatsAppKey key = Fixtures.Key();
        using var output = new MemoryStream();
        Assert.True(Crypt15Reader.Decrypt(Fixtures.Crypt15, key, output).Succeeded);
        return output.ToArray();
    }

    private static byte[] Encrypt(byte[] database, WhatsAppKey key, Crypt15Header? template = null)
    {
        using var output = new MemoryStream();
        Crypt15Writer.Encrypt(new MemoryStream(database), key, output, template);
        return output.ToArray();
    }
}
