using System.Security.Cryptography;

namespace Lockbox.WhatsApp.Tests;

/// <summary>The older crypt14 format: read-only, with the phone's 131-byte 'key' file (fixtures: msgstore.db.crypt14 + key).</summary>
public sealed class Crypt14Tests
{
    private static byte[] Crypt14 => Fixtures.Read("msgstore.db.crypt14");

    private static WhatsAppKey KeyFile(Action<byte[]>? change = null)
    {
        byte[] file = Fixtures.Read("key");
        change?.Invoke(file);
        Assert.True(WhatsAppKey.TryReadKeyFile(file, out WhatsAppKey? key, out string? error), error);
        return key!;
    }

    [Fact]
    public void DecryptsToTheSameDatabaseAsTheCrypt15File()
    {
        using WhatsAppKey key = KeyFile();
        using var output = new MemoryStream();
        Crypt15Result result = Crypt15Reader.Decrypt(Crypt14, key, output);
        Assert.True(result.Succeeded, result.Error);
        Assert.Equal(WhatsAppFormat.Crypt14, result.Header!.Format);
        Assert.Equal(WhatsAppKeyType.ServerProvided, result.Header.KeyType);
        Assert.Equal("ea53ceae36ecab50bc331aeb62491625", Convert.ToHexStringLower(result.Header.Iv.Span));
        Assert.Equal("2.22.5.13", result.Header.AppVersion);
        Assert.True(result.HasChecksum);
        Assert.Equal(Fixtures.DatabaseSha256, Convert.ToHexStringLower(SHA256.HashData(output.ToArray())));
    }

    [Fact]
    public void Crypt14With64DigitKeyAsksForTheKeyFile()
    {
        using WhatsAppKey key = Fixtures.Key();
        Crypt15Result result = Decrypt(Crypt14, key, out long written);
        Assert.Equal(Crypt15Failure.WrongKey, result.Failure);
        Assert.Equal("This is a crypt14 backup: it opens only with the phone's crypt14 'key' file (158 bytes), not a 64-digit key or encrypted_backup.key.", result.Error);
        Assert.Equal(0, written);
    }

    [Fact]
    public void Crypt15WithCrypt14KeyFileAsksForTheRootKey()
    {
        using WhatsAppKey key = KeyFile();
        Crypt15Result result = Decrypt(Fixtures.Crypt15, key, out long written);
        Assert.Equal(Crypt15Failure.WrongKey, result.Failure);
        Assert.Equal("This is a crypt15 backup: it opens with its 64-digit key or encrypted_backup.key, not a crypt14 'key' file.", result.Error);
        Assert.Equal(0, written);
    }

    [Fact]
    public void KeyFileOfAnotherBackupIsWrongKey()
    {
        using WhatsAppKey key = KeyFile(f => f[27 + 3] ^= 1); // first byte of the server salt
        Crypt15Result result = Decrypt(Crypt14, key, out long written);
        Assert.Equal(Crypt15Failure.WrongKey, result.Failure);
        Assert.Equal("Wrong key: this crypt14 key file belongs to another backup (its server salt differs from the backup's).", result.Error);
        Assert.Equal(0, written);
    }

    [Fact]
    public void KeyFileWithAnotherAesKeyFailsTheTag()
    {
        using WhatsAppKey key = KeyFile(f => f[^1] ^= 1);
        Crypt15Result result = Decrypt(Crypt14, key, out long written);
        Assert.Equal(Crypt15Failure.WrongKey, result.Failure);
        Assert.Equal("Wrong key: this backup does not decrypt with the key given (the AES-GCM tag does not verify).", result.Error);
        Assert.Equal(0, written);
    }

    [Fact]
    public void FlippedBodyByteIsDamaged()
    {
        byte[] file = Crypt14;
        file[100_000] ^= 0x20;
        using WhatsAppKey key = KeyFile();
        Assert.Equal(Crypt15Failure.ChecksumMismatch, Decrypt(file, key, out long written).Failure);
        Assert.Equal(0, written);
    }

    [Fact]
    public void Crypt14KeyCannotEncrypt()
    {
        using WhatsAppKey key = KeyFile();
        Assert.Throws<ArgumentException>(() => Crypt15Writer.Encrypt(new MemoryStream([1]), key, new MemoryStream()));
    }

    [Fact]
    public void Crypt14HeaderAsTemplateWritesCrypt15()
    {
        Assert.True(Crypt15Reader.TryReadHeader(Crypt14, out Crypt15Header? template, out _));
        using WhatsAppKey key = Fixtures.Key();
        using var output = new MemoryStream();
        Crypt15Header written = Crypt15Writer.Encrypt(new MemoryStream([1, 2, 3]), key, output, template);
        Assert.Equal(WhatsAppFormat.Crypt15, written.Format);
        Assert.True(Crypt15Reader.TryReadHeader(output.ToArray(), out Crypt15Header? read, out _));
        Assert.Equal(WhatsAppFormat.Crypt15, read!.Format);
        Assert.Equal(template!.Features, read.Features);
        using var back = new MemoryStream();
        Assert.True(Crypt15Reader.Decrypt(output.ToArray(), key, back).Succeeded);
        Assert.Equal(new byte[] { 1, 2, 3 }, back.ToArray());
    }

    private static Crypt15Result Decrypt(byte[] file, WhatsAppKey key, out long written)
    {
        using var output = new MemoryStream();
        Crypt15Result result = Crypt15Reader.Decrypt(file, key, output);
        written = output.Length;
        return result;
    }
}
