using System.Buffers.Binary;
using System.Numerics;
using System.Security.Cryptography;

namespace Lockbox.WhatsApp.Crypto;

/// <summary>
/// AES-256-GCM (NIST SP 800-38D) with an IV of any length, no associated data, 16-byte tag.
/// crypt15 uses a 16-byte IV, and .NET's <see cref="AesGcm"/> accepts only 12-byte nonces, so this
/// class builds GCM from its two parts:
/// <list type="bullet">
/// <item>GCTR (counter mode from inc32(J0)) on AES-ECB blocks;</item>
/// <item>GHASH from <see cref="AesGcm"/> itself: sealing an empty message with associated data X under
/// nonce N gives tag = GHASH_H(X* || [len X]64 || [0]64) ^ E(N || 1). GHASH is linear, so the
/// "ciphertext-only" hash GHASH_H(X* || [0]64 || [len X]64) that GCM needs for both J0 (X = IV) and
/// the tag (X = ciphertext) is that value ^ E(N || 1) ^ ((L1 ^ L2) * H): one field multiplication.</item>
/// </list>
/// A 12-byte IV gives the standard J0 = IV || 1, so the result equals <see cref="AesGcm"/>'s (tested).
/// Decryption authenticates the whole ciphertext before it produces a single plaintext byte.
/// </summary>
internal static class LongIvAesGcm
{
    public const int KeySize = 32;
    public const int TagSize = 16;
    private const int Block = 16;

    /// <summary>
    /// Encrypts <paramref name="plaintext"/> into <paramref name="ciphertext"/> (same length; may be the
    /// same memory, for in-place encryption) and writes the tag.
    /// </summary>
    public static void Encrypt(ReadOnlySpan<byte> key, ReadOnlySpan<byte> iv, ReadOnlySpan<byte> plaintext, Span<byte> ciphertext, Span<byte> tag)
    {
        CheckArguments(key, iv, plaintext.Length, ciphertext.Length, tag.Length);
        using Aes aes = CreateAes(key);
        Span<byte> j0 = stackalloc byte[Block];
        ComputeJ0(aes, key, iv, j0);
        CounterMode(aes, j0, plaintext, ciphertext);
        ComputeTag(aes, key, j0, ciphertext, tag);
    }

    /// <summary>
    /// Checks the tag over <paramref name="ciphertext"/>; only if it matches, decrypts into
    /// <paramref name="plaintext"/> and returns true. On a mismatch nothing is written.
    /// </summary>
    public static bool TryDecrypt(ReadOnlySpan<byte> key, ReadOnlySpan<byte> iv, ReadOnlySpan<byte> ciphertext, ReadOnlySpan<byte> tag, Span<byte> plaintext)
    {
        CheckArguments(key, iv, plaintext.Length, ciphertext.Length, tag.Length);
        using Aes aes = CreateAes(key);
        Span<byte> j0 = stackalloc byte[Block];
        Span<byte> expected = stackalloc byte[TagSize];
        ComputeJ0(aes, key, iv, j0);
        ComputeTag(aes, key, j0, ciphertext, expected);
        if (!CryptographicOperations.FixedTimeEquals(expected, tag))
            return false;
        CounterMode(aes, j0, ciphertext, plaintext);
        return true;
    }

    private static Aes CreateAes(ReadOnlySpan<byte> key)
    {
        byte[] copy = key.ToArray();
        try
        {
            var aes = Aes.Create();
            aes.Key = copy;
            return aes;
        }
        finally
        {
            CryptographicOperations.ZeroMemory(copy);
        }
    }

    private static void CheckArguments(ReadOnlySpan<byte> key, ReadOnlySpan<byte> iv, int inputLength, int outputLength, int tagLength)
    {
        if (key.Length != KeySize)
            throw new ArgumentException($"AES-256-GCM needs a {KeySize}-byte key.", nameof(key));
        if (iv.IsEmpty)
            throw new ArgumentException("GCM needs a non-empty IV.", nameof(iv));
        if (inputLength != outputLength)
            throw new ArgumentException("Output must be as long as the input.");
        if (tagLength != TagSize)
            throw new ArgumentException($"The tag is {TagSize} bytes.");
    }

    // J0 = IV || 0^31 || 1 for a 96-bit IV, else GHASH_H(IV* || 0^64 || [len IV]64).
    private static void ComputeJ0(Aes aes, ReadOnlySpan<byte> key, ReadOnlySpan<byte> iv, Span<byte> j0)
    {
        if (iv.Length == 12)
        {
            iv.CopyTo(j0);
            BinaryPrimitives.WriteUInt32BigEndian(j0[12..], 1);
            return;
        }
        Ghash(aes, key, iv, j0);
    }

    // T = GHASH_H(C* || 0^64 || [len C]64) ^ E(J0)   (A is empty in crypt15)
    private static void ComputeTag(Aes aes, ReadOnlySpan<byte> key, ReadOnlySpan<byte> j0, ReadOnlySpan<byte> ciphertext, Span<byte> tag)
    {
        Span<byte> s = stackalloc byte[Block];
        Span<byte> ej0 = stackalloc byte[Block];
        Ghash(aes, key, ciphertext, s);
        aes.EncryptEcb(j0, ej0, PaddingMode.None);
        for (int i = 0; i < Block; i++)
            tag[i] = (byte)(s[i] ^ ej0[i]);
    }

    /// <summary>GHASH_H(X* || [0]64 || [len X]64), X* being X zero-padded to whole blocks.</summary>
    private static void Ghash(Aes aes, ReadOnlySpan<byte> key, ReadOnlySpan<byte> x, Span<byte> output)
    {
        // Any fixed 12-byte nonce will do: E(N || 1) is removed again below.
        Span<byte> nonce = stackalloc byte[12];
        Span<byte> counter1 = stackalloc byte[Block];
        Span<byte> h = stackalloc byte[Block];
        Span<byte> lengths = stackalloc byte[Block];
        nonce.Clear();
        using (var gcm = new AesGcm(key, TagSize))
            gcm.Encrypt(nonce, ReadOnlySpan<byte>.Empty, Span<byte>.Empty, output, x);

        counter1.Clear();
        counter1[15] = 1;
        aes.EncryptEcb(counter1, counter1, PaddingMode.None);
        h.Clear();
        aes.EncryptEcb(h, h, PaddingMode.None);

        ulong bits = (ulong)x.Length * 8;
        BinaryPrimitives.WriteUInt64BigEndian(lengths, bits);
        BinaryPrimitives.WriteUInt64BigEndian(lengths[8..], bits);
        Span<byte> correction = stackalloc byte[Block];
        Gf128.Multiply(lengths, h, correction);
        for (int i = 0; i < Block; i++)
            output[i] = (byte)(output[i] ^ counter1[i] ^ correction[i]);
        CryptographicOperations.ZeroMemory(h);
        CryptographicOperations.ZeroMemory(counter1);
        CryptographicOperations.ZeroMemory(correction);
    }

    // GCTR_K(inc32(J0), input): AES-ECB over a run of counter blocks, XORed into the input.
    private static void CounterMode(Aes aes, ReadOnlySpan<byte> j0, ReadOnlySpan<byte> input, Span<byte> output)
    {
        const int BatchBlocks = 4096;
        byte[] counters = new byte[BatchBlocks * Block];
        byte[] stream = new byte[BatchBlocks * Block];
        uint counter = BinaryPrimitives.ReadUInt32BigEndian(j0[12..]);
        for (int offset = 0; offset < input.Length; offset += counters.Length)
        {
            int bytes = Math.Min(counters.Length, input.Length - offset);
            int blocks = (bytes + Block - 1) / Block;
            for (int b = 0; b < blocks; b++)
            {
                Span<byte> block = counters.AsSpan(b * Block, Block);
                j0[..12].CopyTo(block);
                BinaryPrimitives.WriteUInt32BigEndian(block[12..], unchecked(++counter));
            }
            aes.EncryptEcb(counters.AsSpan(0, blocks * Block), stream.AsSpan(0, blocks * Block), PaddingMode.None);
            Xor(input.Slice(offset, bytes), stream.AsSpan(0, bytes), output.Slice(offset, bytes));
        }
        CryptographicOperations.ZeroMemory(stream);
    }

    // dst = src ^ keystream; dst may be src itself (in-place encryption).
    private static void Xor(ReadOnlySpan<byte> src, ReadOnlySpan<byte> keystream, Span<byte> dst)
    {
        int i = 0;
        int width = Vector<byte>.Count;
        for (; i <= src.Length - width; i += width)
            (new Vector<byte>(src[i..]) ^ new Vector<byte>(keystream[i..])).CopyTo(dst[i..]);
        for (; i < src.Length; i++)
            dst[i] = (byte)(src[i] ^ keystream[i]);
    }
}
