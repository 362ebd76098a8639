using System.Security.Cryptography;
using Lockbox.Cryptography;

namespace Lockbox.Cryptography.Tests;

public sealed class AeadTests
{
    private static readonly byte[] Key = RandomNumberGenerator.GetBytes(32);

    [Fact]
    public void SealThenOpenRoundTrips()
    {
        byte[] sealedBytes = Aead.Seal(Key, "hello chat"u8, "ad"u8);

        Assert.Equal(10 + Aead.Overhead, sealedBytes.Length);
        Assert.Equal("hello chat"u8.ToArray(), Aead.Open(Key, sealedBytes, "ad"u8));
    }

    [Fact]
    public void SealWithAGivenNonceWritesItFirstAndOpensLikeAnyOther()
    {
        byte[] nonce = Convert.FromHexString("000102030405060708090a0b");
        byte[] sealedBytes = new byte[10 + Aead.Overhead];

        Aead.Seal(Key, nonce, "hello chat"u8, "ad"u8, sealedBytes);

        Assert.Equal(nonce, sealedBytes[..Aead.NonceSize]);
        Assert.Equal("hello chat"u8.ToArray(), Aead.Open(Key, sealedBytes, "ad"u8));
        Assert.Throws<ArgumentException>(() => Aead.Seal(Key, new byte[11], "x"u8, default, new byte[1 + Aead.Overhead]));
    }

    [Fact]
    public void SealingTwiceUsesFreshNonces()
    {
        Assert.NotEqual(Aead.Seal(Key, "same"u8), Aead.Seal(Key, "same"u8));
    }

    [Fact]
    public void EveryFlippedBitIsRejected()
    {
        byte[] sealedBytes = Aead.Seal(Key, "hello chat"u8, "ad"u8);
        for (int i = 0; i < sealedBytes.Length * 8; i++)
        {
            byte[] tampered = (byte[])sealedBytes.Clone();
            tampered[i / 8] ^= (byte)(1 << (i % 8));
            Assert.Null(Aead.Open(Key, tampered, "ad"u8));
        }
    }

    [Fact]
    public void WrongKeyOrAssociatedDataIsRejectedAndClearsTheOutput()
    {
        byte[] sealedBytes = Aead.Seal(Key, "hello chat"u8, "ad"u8);
        byte[] output = new byte[10];
        output.AsSpan().Fill(0xAA);

        Assert.False(Aead.TryOpen(RandomNumberGenerator.GetBytes(32), sealedBytes, "ad"u8, output));
        Assert.All(output, b => Assert.Equal(0, b));
        Assert.Null(Aead.Open(Key, sealedBytes, "other"u8));
    }

    [Fact]
    public void TruncatedInputIsRejected()
    {
        byte[] sealedBytes = Aead.Seal(Key, "hello chat"u8);

        Assert.Null(Aead.Open(Key, sealedBytes.AsSpan(0, sealedBytes.Length - 1)));
        Assert.Null(Aead.Open(Key, sealedBytes.AsSpan(0, Aead.Overhead - 1)));
    }
}
