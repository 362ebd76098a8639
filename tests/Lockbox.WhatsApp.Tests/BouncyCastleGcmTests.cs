using System.Security.Cryptography;
using Lockbox.WhatsApp.Crypto;
using Org.BouncyCastle.Crypto;
using Org.BouncyCastle.Crypto.Engines;
using Org.BouncyCastle.Crypto.Modes;
using Org.BouncyCastle.Crypto.Parameters;

namespace Lockbox.WhatsApp.Tests;

/// <summary>
/// Lockbox's AES-GCM for IVs other than 12 bytes (crypt15 uses 16) against BouncyCastle's GCM, a complete,
/// independent implementation that takes any IV length. Lockbox keeps its own construction in the product
/// (AES from the platform, hardware-accelerated and constant-time, GHASH from the platform's AesGcm) and uses
/// BouncyCastle only here, as the second opinion: every IV length and message length below, on fresh random
/// keys, must give the same ciphertext and tag, and each side must open what the other sealed.
/// </summary>
public sealed class BouncyCastleGcmTests
{
    public static TheoryData<int, int> Lengths()
    {
        var data = new TheoryData<int, int>();
        foreach (int iv in new[] { 1, 8, 12, 15, 16, 17, 32, 60, 64, 100 })
        foreach (int message in new[] { 0, 1, 15, 16, 17, 31, 32, 33, 255, 4096, 65_537 })
            data.Add(iv, message);
        return data;
    }

    [Theory]
    [MemberData(nameof(Lengths))]
    public void SealsExactlyAsBouncyCastle(int ivLength, int messageLength)
    {
        byte[] key = RandomNumberGenerator.GetBytes(LongIvAesGcm.KeySize);
        byte[] iv = RandomNumberGenerator.GetBytes(ivLength);
        byte[] plaintext = RandomNumberGenerator.GetBytes(messageLength);

        byte[] ciphertext = new byte[messageLength];
        byte[] tag = new byte[LongIvAesGcm.TagSize];
        LongIvAesGcm.Encrypt(key, iv, plaintext, ciphertext, tag);

        byte[] theirs = BouncyCastleSeal(key, iv, plaintext);
        Assert.Equal(Convert.ToHexString(theirs), Convert.ToHexString([.. ciphertext, .. tag]));
    }

    [Theory]
    [InlineData(16, 0)]
    [InlineData(16, 1_000)]
    [InlineData(7, 333)]
    public void OpensWhatBouncyCastleSealedAndRefusesEveryFlippedBit(int ivLength, int messageLength)
    {
        byte[] key = RandomNumberGenerator.GetBytes(LongIvAesGcm.KeySize);
        byte[] iv = RandomNumberGenerator.GetBytes(ivLength);
        byte[] plaintext = RandomNumberGenerator.GetBytes(messageLength);
        byte[] sealedByThem = BouncyCastleSeal(key, iv, plaintext);
        byte[] ciphertext = sealedByThem[..messageLength];
        byte[] tag = sealedByThem[messageLength..];

        byte[] opened = new byte[messageLength];
        Assert.True(LongIvAesGcm.TryDecrypt(key, iv, ciphertext, tag, opened));
        Assert.Equal(plaintext, opened);

        // A flipped bit anywhere in ciphertext or tag: refused, and nothing written out.
        for (int bit = 0; bit < sealedByThem.Length * 8; bit += Math.Max(1, sealedByThem.Length * 8 / 97))
        {
            byte[] tampered = (byte[])sealedByThem.Clone();
            tampered[bit / 8] ^= (byte)(1 << (bit % 8));
            byte[] output = new byte[messageLength];
            Assert.False(LongIvAesGcm.TryDecrypt(key, iv, tampered[..messageLength], tampered[messageLength..], output));
            Assert.All(output, b => Assert.Equal(0, b));
            Assert.Throws<InvalidCipherTextException>(() => BouncyCastleOpen(key, iv, tampered));
        }
    }

    private static byte[] BouncyCastleSeal(byte[] key, byte[] iv, byte[] plaintext)
    {
        var gcm = new GcmBlockCipher(new AesEngine());
        gcm.Init(forEncryption: true, new AeadParameters(new KeyParameter(key), LongIvAesGcm.TagSize * 8, iv));
        byte[] output = new byte[gcm.GetOutputSize(plaintext.Length)];
        int written = gcm.ProcessBytes(plaintext, 0, plaintext.Length, output, 0);
        written += gcm.DoFinal(output, written);
        return output[..written];
    }

    private static byte[] BouncyCastleOpen(byte[] key, byte[] iv, byte[] sealedMessage)
    {
        var gcm = new GcmBlockCipher(new AesEngine());
        gcm.Init(forEncryption: false, new AeadParameters(new KeyParameter(key), LongIvAesGcm.TagSize * 8, iv));
        byte[] output = new byte[gcm.GetOutputSize(sealedMessage.Length)];
        int written = gcm.ProcessBytes(sealedMessage, 0, sealedMessage.Length, output, 0);
        written += gcm.DoFinal(output, written);
        return output[..written];
    }
}
