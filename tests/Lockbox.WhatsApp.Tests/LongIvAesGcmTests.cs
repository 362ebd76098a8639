using System.Security.Cryptography;
using Lockbox.WhatsApp.Crypto;

namespace Lockbox.WhatsApp.Tests;

/// <summary>
/// GCM with a non-96-bit IV. The vectors below were computed once with an independent GCM
/// implementation (OpenSSL, through Python's `cryptography` AESGCM, which accepts long IVs):
/// key = 00 01 .. 1f, IV = a0 a1 .. af (16 bytes) or 00 01 .. 3b (60 bytes), no associated data.
/// </summary>
public sealed class LongIvAesGcmTests
{
    private static readonly byte[] Key = [.. Enumerable.Range(0, 32).Select(i => (byte)i)];
    private static readonly byte[] Iv16 = [.. Enumerable.Range(0xA0, 16).Select(i => (byte)i)];
    private static readonly byte[] Plaintext = "Lockbox reads WhatsApp crypt15 backups, 16-byte IV."u8.ToArray();

    [Fact]
    public void SixteenByteIvMatchesIndependentVector()
    {
        byte[] ciphertext = new byte[Plaintext.Length];
        byte[] tag = new byte[16];
        LongIvAesGcm.Encrypt(Key, Iv16, Plaintext, ciphertext, tag);
        Assert.Equal("66cc40d77aa2b556b1fb7ed59e34daf8e33130380e4471cf8f6b1ac2280006e56df28d16e5a0939ddf3f1dc06136d2d0536c89", Convert.ToHexStringLower(ciphertext));
        Assert.Equal("a00cdf89ae531d9086a59eecb40dfea3", Convert.ToHexStringLower(tag));
    }

    [Fact]
    public void SixteenByteIvEmptyMessageMatchesIndependentVector()
    {
        byte[] tag = new byte[16];
        LongIvAesGcm.Encrypt(Key, Iv16, [], [], tag);
        Assert.Equal("022f841c702b66b0bec8111f67de221d", Convert.ToHexStringLower(tag));
    }

    [Fact]
    public void SixtyByteIvMatchesIndependentVector()
    {
        byte[] iv = [.. Enumerable.Range(0, 60).Select(i => (byte)i)];
        byte[] ciphertext = new byte[Plaintext.Length];
        byte[] tag = new byte[16];
        LongIvAesGcm.Encrypt(Key, iv, Plaintext, ciphertext, tag);
        Assert.Equal(
            "02aeedffdb1cbed9936447bc416eb3a3dbebcae34012dd7f2a6b1ed0e7ae69e028a671f3c4bb23b53026f026dd05b6973daafdd8f4c8ca8d7adfa963354eec188e88bc",
            Convert.ToHexStringLower([.. ciphertext, .. tag]));
    }

    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    [InlineData(16)]
    [InlineData(65_537)]
    public void TwelveByteIvEqualsDotNetAesGcm(int length)
    {
        byte[] nonce = RandomNumberGenerator.GetBytes(12);
        byte[] key = RandomNumberGenerator.GetBytes(32);
        byte[] plaintext = RandomNumberGenerator.GetBytes(length);
        byte[] expected = new byte[length];
        byte[] expectedTag = new byte[16];
        using (var gcm = new AesGcm(key, 16))
            gcm.Encrypt(nonce, plaintext, expected, expectedTag);

        byte[] ciphertext = new byte[length];
        byte[] tag = new byte[16];
        LongIvAesGcm.Encrypt(key, nonce, plaintext, ciphertext, tag);
        Assert.Equal(expected, ciphertext);
        Assert.Equal(expectedTag, tag);
    }

    [Fact]
    public void LongMessageRoundTripsAcrossCounterBatches()
    {
        byte[] plaintext = RandomNumberGenerator.GetBytes(200_003);
        byte[] ciphertext = new byte[plaintext.Length];
        byte[] tag = new byte[16];
        LongIvAesGcm.Encrypt(Key, Iv16, plaintext, ciphertext, tag);
        byte[] decrypted = new byte[plaintext.Length];
        Assert.True(LongIvAesGcm.TryDecrypt(Key, Iv16, ciphertext, tag, decrypted));
        Assert.Equal(plaintext, decrypted);
    }

    [Fact]
    public void TamperedCiphertextIsRejectedAndNothingIsWritten()
    {
        byte[] ciphertext = new byte[Plaintext.Length];
        byte[] tag = new byte[16];
        LongIvAesGcm.Encrypt(Key, Iv16, Plaintext, ciphertext, tag);
        ciphertext[7] ^= 1;
        byte[] output = [.. Enumerable.Repeat((byte)0xEE, Plaintext.Length)];
        Assert.False(LongIvAesGcm.TryDecrypt(Key, Iv16, ciphertext, tag, output));
        Assert.All(output, b => Assert.Equal(0xEE, b));
    }

    [Fact]
    public void GfMultiplicationByOneIsIdentity()
    {
        // In GCM's bit order the field's 1 is 0x80 00 .. 00.
        byte[] one = new byte[16];
        one[0] = 0x80;
        byte[] y = RandomNumberGenerator.GetBytes(16);
        byte[] z = new byte[16];
        Gf128.Multiply(one, y, z);
        Assert.Equal(y, z);
    }
}
