namespace Lockbox.WhatsApp.Tests;

/// <summary>Android's encrypted_backup.key: a Java-serialized byte[32], and the files that are not one.</summary>
public sealed class KeyFileTests
{
    [Fact]
    public void FixtureKeyFileHoldsTheDocumented64DigitKey()
    {
        Assert.True(WhatsAppKey.TryReadKeyFile(Fixtures.Read("encrypted_backup.key"), out WhatsAppKey? key, out string? error), error);
        using (key)
            Assert.Equal(Fixtures.KeyDigits, key!.ToDigits().Replace(" ", "", StringComparison.Ordinal));
    }

    [Fact]
    public void WrittenKeyFileIsByteIdenticalToAndroids()
    {
        using WhatsAppKey key = Fixtures.Key();
        Assert.Equal(Fixtures.Read("encrypted_backup.key"), key.ToKeyFile());
    }

    [Fact]
    public void Crypt14KeyFileIsReadAsACrypt14KeyWithoutDigits()
    {
        Assert.True(WhatsAppKey.TryReadKeyFile(Fixtures.Read("key"), out WhatsAppKey? key, out string? error), error);
        using (key)
        {
            Assert.True(key!.IsCrypt14);
            Assert.Throws<InvalidOperationException>(() => key.ToDigits());
            Assert.Equal(Fixtures.Read("key"), key.ToKeyFile());
        }
    }

    [Fact]
    public void Crypt15KeyIsNotCrypt14()
    {
        using WhatsAppKey key = Fixtures.Key();
        Assert.False(key.IsCrypt14);
    }

    [Fact]
    public void Crypt14KeyFileWithUnknownCipherVersionIsRejected()
    {
        byte[] file = Fixtures.Read("key");
        file[27 + 1] = 0x02;
        Assert.False(WhatsAppKey.TryReadKeyFile(file, out _, out string? error));
        Assert.Equal("The crypt14 key file has an unknown cipher version (expected 00 01).", error);
    }

    [Fact]
    public void SerializedArrayOfWrongLengthIsRejected()
    {
        byte[] file = Fixtures.Read("encrypted_backup.key");
        byte[] shorter = file[..^1];
        shorter[26] = 31; // announce 31 bytes, and hold 31
        Assert.False(WhatsAppKey.TryReadKeyFile(shorter, out _, out string? error));
        Assert.Equal("The key file holds a 31-byte key: neither a crypt15 encrypted_backup.key (32 bytes) nor a crypt14 'key' file (131 bytes).", error);
    }

    [Fact]
    public void TruncatedKeyFileIsRejected()
    {
        byte[] file = Fixtures.Read("encrypted_backup.key");
        Assert.False(WhatsAppKey.TryReadKeyFile(file[..40], out _, out string? error));
        Assert.Equal("The key file is truncated: it ends before the 32 key bytes it announces.", error);
        Assert.False(WhatsAppKey.TryReadKeyFile(file[..10], out _, out error));
        Assert.Equal("The key file is truncated: it ends before the 32 key bytes it announces.", error);
    }

    [Fact]
    public void KeyFileWithTrailingBytesIsRejected()
    {
        byte[] file = [.. Fixtures.Read("encrypted_backup.key"), 0x00];
        Assert.False(WhatsAppKey.TryReadKeyFile(file, out _, out string? error));
        Assert.Equal("The key file has 1 unexpected bytes after the key.", error);
    }

    [Fact]
    public void HexTextIsNotAKeyFile()
    {
        byte[] text = System.Text.Encoding.ASCII.GetBytes(Fixtures.KeyDigits);
        Assert.False(WhatsAppKey.TryReadKeyFile(text, out _, out string? error));
        Assert.StartsWith("The key file is not an Android encrypted_backup.key", error, StringComparison.Ordinal);
    }

    [Fact]
    public void OtherSerializedClassIsRejectedWithItsOffset()
    {
        byte[] file = Fixtures.Read("encrypted_backup.key");
        file[9] = (byte)'I'; // "[I": an int[]
        Assert.False(WhatsAppKey.TryReadKeyFile(file, out _, out string? error));
        Assert.Equal("The key file is a Java-serialized object but not a byte array (unexpected byte at offset 9).", error);
    }

    [Theory]
    [InlineData("", "The 64-digit key is empty")]
    [InlineData("6730a595a1484d0c39c101dc0ac82ec5e401bb6f0e1b8ee2dc104a6b3687f01", "has 63 digits, not 64")]
    [InlineData("6730a595a1484d0c39c101dc0ac82ec5e401bb6f0e1b8ee2dc104a6b3687f01x", "invalid character 'x' at position 64")]
    public void BadDigitsAreRejectedWithTheReason(string digits, string expected)
    {
        Assert.False(WhatsAppKey.TryParse(digits, out WhatsAppKey? key, out string? error));
        Assert.Null(key);
        Assert.Contains(expected, error, StringComparison.Ordinal);
    }

    [Fact]
    public void ToStringShowsNoKeyBytes()
    {
        using WhatsAppKey key = Fixtures.Key();
        Assert.Equal("WhatsAppKey(***)", key.ToString());
    }
}
