using System.Security.Cryptography;

namespace Lockbox.Opaque.Internal;

/// <summary>RFC 9380 §5.3.1 expand_message_xmd with SHA-512 (b_in_bytes = 64, s_in_bytes = 128).</summary>
internal static class ExpandMessageXmd
{
    private const int HashSize = 64;
    private const int BlockSize = 128;

    /// <summary>Fills <paramref name="output"/> (len_in_bytes = its length, at most 255 · 64) from msg and DST.</summary>
    public static void Expand(ReadOnlySpan<byte> message, ReadOnlySpan<byte> dst, Span<byte> output)
    {
        int ell = (output.Length + HashSize - 1) / HashSize;
        if (ell > 255 || output.Length > 65535 || dst.Length > 255)
            throw new ArgumentException("expand_message_xmd: output or DST too long.");

        // DST_prime = DST || I2OSP(len(DST), 1)
        Span<byte> dstPrime = stackalloc byte[dst.Length + 1];
        dst.CopyTo(dstPrime);
        dstPrime[^1] = (byte)dst.Length;

        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA512);

        // b_0 = H(Z_pad || msg || l_i_b_str || I2OSP(0, 1) || DST_prime)
        Span<byte> zPad = stackalloc byte[BlockSize];
        zPad.Clear();
        hash.AppendData(zPad);
        hash.AppendData(message);
        Span<byte> lengthAndZero = [(byte)(output.Length >> 8), (byte)output.Length, 0];
        hash.AppendData(lengthAndZero);
        hash.AppendData(dstPrime);
        Span<byte> b0 = stackalloc byte[HashSize];
        hash.GetHashAndReset(b0);

        // b_1 = H(b_0 || I2OSP(1, 1) || DST_prime); b_i = H(strxor(b_0, b_(i-1)) || I2OSP(i, 1) || DST_prime)
        Span<byte> bi = stackalloc byte[HashSize];
        Span<byte> mixed = stackalloc byte[HashSize];
        Span<byte> counter = stackalloc byte[1];
        try
        {
            for (int i = 1; i <= ell; i++)
            {
                if (i == 1)
                {
                    b0.CopyTo(mixed);
                }
                else
                {
                    for (int j = 0; j < HashSize; j++)
                        mixed[j] = (byte)(b0[j] ^ bi[j]);
                }
                hash.AppendData(mixed);
                counter[0] = (byte)i;
                hash.AppendData(counter);
                hash.AppendData(dstPrime);
                hash.GetHashAndReset(bi);
                int offset = (i - 1) * HashSize;
                int take = Math.Min(HashSize, output.Length - offset);
                bi[..take].CopyTo(output[offset..]);
            }
        }
        finally
        {
            CryptographicOperations.ZeroMemory(b0);
            CryptographicOperations.ZeroMemory(bi);
            CryptographicOperations.ZeroMemory(mixed);
        }
    }
}
