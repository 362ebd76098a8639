using System.Security.Cryptography;

namespace Lockbox.WhatsApp.Tests;

/// <summary>The real crypt15 file from the fixtures decrypts to exactly the database its README names.</summary>
public sealed class FixtureDecryptionTests
{
    [Fact]
    public void FixtureIsTheFileTheReadmeDescribes()
    {
        byte[] file = Fixtures.Crypt15;
        Assert.Equal(240_529, file.Length);
        string sha = Convert.ToHexStringLower(SHA256.HashData(file));
        Assert.StartsWith("af383a88", sha, StringComparison.Ordinal);
        Assert.EndsWith("ac155", sha, StringComparison.Ordinal);
    }

    [Fact]
    public void DecryptsWithEncryptedBackupKeyFile()
    {
        Assert.True(WhatsAppKey.TryReadKeyFile(Fixtures.Read("encrypted_backup.key"), out WhatsAppKey? key, out string? error), error);
        using (key)
            AssertDecryptsToExpectedDatabase(key!);
    }

    [Fact]
    public void DecryptsWith64DigitKey()
    {
        using WhatsAppKey key = Fixtures.Key();
        AssertDecryptsToExpectedDatabase(key);
    }

    [Fact]
    public void DecryptsWith64DigitKeyInGroupsAndUpperCase()
    {
        string grouped = string.Join(' ', Fixtures.KeyDigits.ToUpperInvariant().Chunk(4).Select(c => new string(c)));
        Assert.True(WhatsAppKey.TryParse(grouped, out WhatsAppKey? key, out string? error), error);
        using (key)
            AssertDecryptsToExpectedDatabase(key!);
    }

    [Fact]
    public void HeaderFieldsAreThoseInTheFile()
    {
        Assert.True(Crypt15Reader.TryReadHeader(Fixtures.Crypt15, out Crypt15Header? header, out string? error), error);
        Assert.Equal(WhatsAppKeyType.EndToEndLegacy, header!.KeyType);
        Assert.Equal("c395ee009cf8b68ac0ea760550f6559c", Convert.ToHexStringLower(header.Iv.Span));
        Assert.Equal("2.22.5.13", header.AppVersion);
        Assert.Equal("67", header.JidSuffix);
        Assert.True(header.HasFeatureTable);
        Assert.Equal(Enumerable.Range(4, 34), header.Features.Keys);
        Assert.Equal([5, 7, 8, 13, 14, 19, 22, 25, 28, 30, 31, 32, 36, 37], header.Features.Where(f => f.Value).Select(f => f.Key));
        Assert.Equal(Crypt15Header.Default.Features, header.Features);
    }

    [Fact]
    public void HeaderRewrittenFromParsedFieldsIsByteIdenticalToTheFile()
    {
        byte[] file = Fixtures.Crypt15;
        Assert.True(Crypt15Reader.TryReadHeader(file, out Crypt15Header? header, out _));
        byte[] written = Crypt15HeaderCodec.Write(header!, header!.Iv.Span);
        Assert.Equal(131, written.Length);
        Assert.Equal(file.AsSpan(0, written.Length).ToArray(), written);
    }

    private static void AssertDecryptsToExpectedDatabase(WhatsAppKey key)
    {
        using var output = new MemoryStream();
        Crypt15Result result = Crypt15Reader.Decrypt(Fixtures.Crypt15, key, output);
        Assert.True(result.Succeeded, result.Error);
        Assert.Equal(Crypt15Payload.Zlib, result.Payload);
        Assert.True(result.HasChecksum);
        Assert.Equal(Fixtures.DatabaseLength, result.PayloadLength);
        Assert.Equal(Fixtures.DatabaseLength, output.Length);
        Assert.Equal(Fixtures.DatabaseSha256, Convert.ToHexStringLower(SHA256.HashData(output.ToArray())));
        Assert.StartsWith("SQLite format 3\0", System.Text.Encoding.ASCII.GetString(output.ToArray(), 0, 16), StringComparison.Ordinal);
    }
}
