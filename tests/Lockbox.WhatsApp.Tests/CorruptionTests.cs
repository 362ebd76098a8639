using System.Security.Cryptography;

namespace Lockbox.WhatsApp.Tests;

/// <summary>Every way a crypt15 file can be wrong: a clear failure of the right kind, and nothing written.</summary>
public sealed class CorruptionTests
{
    [Fact]
    public void WrongKeyIsReportedAsWrongKey()
    {
        using WhatsAppKey key = WhatsAppKey.Import(RandomNumberGenerator.GetBytes(32));
        AssertFails(Fixtures.Crypt15, key, Crypt15Failure.WrongKey,
            "Wrong key: this backup does not decrypt with the key given (the AES-GCM tag does not verify).");
    }

    [Fact]
    public void KeyDifferingInOneBitIsWrongKey()
    {
        byte[] raw = Convert.FromHexString(Fixtures.KeyDigits);
        raw[31] ^= 1;
        using WhatsAppKey key = WhatsAppKey.Import(raw);
        AssertFails(Fixtures.Crypt15, key, Crypt15Failure.WrongKey, null);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(1000)]
    [InlineData(200_000)]
    public void TruncatedFileIsReportedAsDamaged(int cut)
    {
        byte[] file = Fixtures.Crypt15[..^cut];
        AssertFails(file, Fixtures.Key(), Crypt15Failure.ChecksumMismatch,
            "The file is damaged, truncated or altered: its MD5 checksum does not match.");
    }

    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    [InlineData(100)]
    [InlineData(131 + 31)]
    public void FileCutInsideHeaderOrTrailerIsTruncated(int length)
    {
        byte[] file = Fixtures.Crypt15[..length];
        AssertFails(file, Fixtures.Key(), Crypt15Failure.Truncated,
            "The file is truncated: it ends before the crypt15 header, GCM tag and MD5 checksum.");
    }

    [Fact]
    public void BadMd5IsReportedAsDamaged()
    {
        byte[] file = Fixtures.Crypt15;
        file[^1] ^= 0x01;
        AssertFails(file, Fixtures.Key(), Crypt15Failure.ChecksumMismatch, null);
    }

    [Theory]
    [InlineData(10)]   // the IV
    [InlineData(40)]   // the app version text
    [InlineData(130)]  // the last feature flag
    public void FlippedHeaderByteIsReportedAsDamaged(int offset)
    {
        byte[] file = Fixtures.Crypt15;
        file[offset] ^= 0x01;
        AssertFails(file, Fixtures.Key(), Crypt15Failure.ChecksumMismatch, null);
    }

    [Theory]
    [InlineData(131)]
    [InlineData(120_000)]
    [InlineData(240_529 - 17)] // last byte of the tag
    public void FlippedBodyByteIsReportedAsDamaged(int offset)
    {
        byte[] file = Fixtures.Crypt15;
        file[offset] ^= 0x80;
        AssertFails(file, Fixtures.Key(), Crypt15Failure.ChecksumMismatch, null);
    }

    [Fact]
    public void EveryHeaderBitFlipIsRefusedWithoutAnExceptionOrOutput()
    {
        byte[] original = Fixtures.Crypt15;
        using WhatsAppKey key = Fixtures.Key();
        for (int offset = 0; offset < 131; offset++)
        {
            foreach (byte bit in new byte[] { 0x01, 0x80 })
            {
                byte[] file = (byte[])original.Clone();
                file[offset] ^= bit;
                Crypt15Result result = Decrypt(file, key, out long written);
                Assert.False(result.Succeeded, $"flip {bit:x2} at {offset}");
                Assert.Equal(0, written);
                Assert.False(string.IsNullOrEmpty(result.Error));
            }
        }
    }

    [Fact]
    public void EveryHeaderPrefixIsRefusedWithoutAnException()
    {
        byte[] original = Fixtures.Crypt15;
        for (int length = 0; length < 131; length++)
        {
            Assert.False(Crypt15Reader.TryReadHeader(original.AsSpan(0, length), out Crypt15Header? header, out string? error));
            Assert.Null(header);
            Assert.False(string.IsNullOrEmpty(error));
        }
        Assert.True(Crypt15Reader.TryReadHeader(original.AsSpan(0, 131), out _, out _));
    }

    [Fact]
    public void FlippedBodyByteWithRecomputedMd5IsCaughtByTheGcmTag()
    {
        // MD5 is unkeyed: someone altering the body can fix it up. GCM still refuses.
        byte[] file = Fixtures.Crypt15;
        file[50_000] ^= 0x04;
        MD5.HashData(file.AsSpan(0, file.Length - 16), file.AsSpan(file.Length - 16));
        AssertFails(file, Fixtures.Key(), Crypt15Failure.WrongKey, null);
    }

    [Fact]
    public void FlippedIvWithRecomputedMd5IsCaughtByTheGcmTag()
    {
        byte[] file = Fixtures.Crypt15;
        file[8] ^= 0x10;
        MD5.HashData(file.AsSpan(0, file.Length - 16), file.AsSpan(file.Length - 16));
        AssertFails(file, Fixtures.Key(), Crypt15Failure.WrongKey, null);
    }

    [Fact]
    public void HeaderThatIsNotProtobufIsMalformed()
    {
        byte[] file = Fixtures.Crypt15;
        file[2] = 0xFF; // a varint tag that never ends within the header
        for (int i = 3; i < 12; i++) file[i] = 0xFF;
        Crypt15Result result = Decrypt(file, Fixtures.Key(), out long written);
        Assert.Equal(Crypt15Failure.Malformed, result.Failure);
        Assert.StartsWith("Not a crypt15 backup: the header is malformed (", result.Error, StringComparison.Ordinal);
        Assert.Equal(0, written);
    }

    [Fact]
    public void HeaderWithoutIvIsMalformed()
    {
        byte[] header = Crypt15HeaderCodec.Write(Crypt15Header.Default, new byte[16]);
        // Turn field 3 (C15_IV) into unknown field 9: same bytes, no IV any more.
        Assert.Equal(0x1A, header[4]);
        header[4] = 0x4A;
        byte[] file = [.. header, .. new byte[64]];
        Crypt15Result result = Decrypt(file, Fixtures.Key(), out _);
        Assert.Equal(Crypt15Failure.Malformed, result.Failure);
        Assert.Equal("Not a crypt15 backup: the header is malformed (no IV).", result.Error);
    }

    [Fact]
    public void HeaderLengthPastEndOfFileIsTruncated()
    {
        byte[] file = [0xF0, 0x01, 0x08, 0x01];
        AssertFails(file, Fixtures.Key(), Crypt15Failure.Truncated, null);
    }

    [Fact]
    public void PlainSqliteDatabaseIsNotACrypt15File()
    {
        byte[] file = RoundTripTests.FixtureDatabase();
        Crypt15Result result = Decrypt(file, Fixtures.Key(), out long written);
        Assert.False(result.Succeeded);
        Assert.Equal(0, written);
    }

    [Fact]
    public void AuthenticatedPayloadThatIsNotZlibIsBadPayload()
    {
        byte[] iv = new byte[16];
        byte[] header = Crypt15HeaderCodec.Write(Crypt15Header.Default, iv);
        byte[] bodyKey = HKDF.DeriveKey(HashAlgorithmName.SHA256, Convert.FromHexString(Fixtures.KeyDigits), 32, new byte[32], "backup encryption"u8.ToArray());
        byte[] plaintext = "SQLite format 3\0 but not compressed"u8.ToArray();
        byte[] ciphertext = new byte[plaintext.Length];
        byte[] tag = new byte[16];
        Crypto.LongIvAesGcm.Encrypt(bodyKey, iv, plaintext, ciphertext, tag);
        byte[] withoutMd5 = [.. header, .. ciphertext, .. tag];
        byte[] file = [.. withoutMd5, .. MD5.HashData(withoutMd5)];
        AssertFails(file, Fixtures.Key(), Crypt15Failure.BadPayload,
            "The backup decrypted but its content is unreadable (neither a zlib stream nor a zip archive).");
    }

    private static void AssertFails(byte[] file, WhatsAppKey key, Crypt15Failure expected, string? message)
    {
        using (key)
        {
            Crypt15Result result = Decrypt(file, key, out long written);
            Assert.Equal(expected, result.Failure);
            Assert.False(result.Succeeded);
            Assert.Equal(0, written);
            Assert.Equal(0, result.PayloadLength);
            Assert.NotNull(result.Error);
            Assert.DoesNotContain('\n', result.Error);
            if (message is not null)
                Assert.Equal(message, result.Error);
        }
    }

    private static Crypt15Result Decrypt(byte[] file, WhatsAppKey key, out long written)
    {
        using var output = new MemoryStream();
        Crypt15Result result = Crypt15Reader.Decrypt(file, key, output);
        written = output.Length;
        return result;
    }
}
