using System.Buffers.Binary;

namespace Lockbox.WhatsApp.Crypto;

/// <summary>
/// Multiplication in GCM's GF(2^128) (NIST SP 800-38D, section 6.3, Algorithm 1), bit-serial and
/// branch-free on the secret operand. Used once per GHASH, so speed does not matter here.
/// </summary>
internal static class Gf128
{
    private const ulong R = 0xE100000000000000UL;

    /// <summary>z = x * y. <paramref name="x"/> is public (a length block); <paramref name="y"/> may be secret (H).</summary>
    public static void Multiply(ReadOnlySpan<byte> x, ReadOnlySpan<byte> y, Span<byte> z)
    {
        ulong vHi = BinaryPrimitives.ReadUInt64BigEndian(y);
        ulong vLo = BinaryPrimitives.ReadUInt64BigEndian(y[8..]);
        ulong zHi = 0, zLo = 0;
        for (int i = 0; i < 128; i++)
        {
            ulong xBit = (ulong)((x[i >> 3] >> (7 - (i & 7))) & 1);
            ulong take = 0UL - xBit;
            zHi ^= vHi & take;
            zLo ^= vLo & take;
            ulong carry = 0UL - (vLo & 1);
            vLo = (vLo >> 1) | (vHi << 63);
            vHi = (vHi >> 1) ^ (R & carry);
        }
        BinaryPrimitives.WriteUInt64BigEndian(z, zHi);
        BinaryPrimitives.WriteUInt64BigEndian(z[8..], zLo);
    }
}
