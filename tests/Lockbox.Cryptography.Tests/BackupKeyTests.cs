using System.Security.Cryptography;
using Lockbox.Cryptography;

namespace Lockbox.Cryptography.Tests;

public sealed class BackupKeyTests
{
    [Fact]
    public void DerivationIsHkdfSha256OverKWithTheFixedSaltAndLabel()
    {
        byte[] raw = Convert.FromHexString("000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f");
        using BackupKey key = BackupKey.Import(raw);

        byte[] derived = key.Derive(Labels.BlobId);

        byte[] expected = HKDF.DeriveKey(HashAlgorithmName.SHA256, raw, 32, "lockbox/v1/hkdf-salt"u8.ToArray(), "lockbox/v1/blob-id"u8.ToArray());
        Assert.Equal(expected, derived);
    }

    [Fact]
    public void DistinctLabelsAndContextsGiveDistinctKeys()
    {
        using BackupKey key = BackupKey.Generate();

        byte[] a = key.Derive(Labels.BlobId);
        byte[] b = key.Derive(Labels.MetadataEncryption);
        byte[] c = new byte[32];
        key.Derive(Labels.PackEncryption, [1, 2, 3], c);
        byte[] d = new byte[32];
        key.Derive(Labels.PackEncryption, [1, 2, 4], d);

        Assert.Equal(4, new[] { a, b, c, d }.Select(Convert.ToHexString).Distinct().Count());
    }

    [Fact]
    public void ToStringShowsNoKeyMaterial()
    {
        using BackupKey key = BackupKey.Generate();
        string digits = key.ToDigits().Replace(" ", "", StringComparison.Ordinal);

        Assert.DoesNotContain(digits[..8], key.ToString(), StringComparison.OrdinalIgnoreCase);
        Assert.Equal("BackupKey(***)", key.ToString());
    }

    [Fact]
    public void ADisposedKeyCannotBeUsed()
    {
        BackupKey key = BackupKey.Generate();
        key.Dispose();

        Assert.Throws<ObjectDisposedException>(() => key.ToDigits());
        Assert.Throws<ObjectDisposedException>(() => key.Derive(Labels.BlobId));
    }

    [Fact]
    public void ImportRejectsTheWrongLength()
    {
        Assert.Throws<ArgumentException>(() => BackupKey.Import(new byte[31]));
    }

    [Fact]
    public void GeneratedKeysDiffer()
    {
        using BackupKey a = BackupKey.Generate();
        using BackupKey b = BackupKey.Generate();

        Assert.False(a.SameAs(b));
    }
}
