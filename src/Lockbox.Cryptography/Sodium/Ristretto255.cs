using System.Security.Cryptography;

namespace Lockbox.Cryptography.Sodium;

/// <summary>
/// The prime-order group ristretto255 (RFC 9496) through libsodium: canonical 32-byte element and
/// scalar encodings, with the identity and zero checks the OPRF and OPAQUE layers rely on.
/// Elements are the canonical encodings; scalars are little-endian integers below the group order L.
/// Every method takes exact-length spans and throws <see cref="ArgumentException"/> otherwise.
/// </summary>
public static class Ristretto255
{
    /// <summary>Size of an encoded group element.</summary>
    public const int ElementSize = 32;

    /// <summary>Size of an encoded scalar.</summary>
    public const int ScalarSize = 32;

    /// <summary>Size of the uniform bytes <see cref="FromHash"/> and <see cref="ReduceScalar"/> take.</summary>
    public const int HashSize = 64;

    static Ristretto255()
    {
        if (SodiumNative.sodium_init() < 0)
            throw new InvalidOperationException("libsodium failed to initialize.");
    }

    /// <summary>
    /// True when <paramref name="element"/> is the canonical encoding of a group element (the identity
    /// included; see <see cref="IsIdentity"/>).
    /// </summary>
    public static unsafe bool IsValidElement(ReadOnlySpan<byte> element)
    {
        Check(element, ElementSize, nameof(element));
        fixed (byte* p = element)
            return SodiumNative.crypto_core_ristretto255_is_valid_point(p) == 1;
    }

    /// <summary>True when <paramref name="element"/> encodes the identity (32 zero bytes, its only canonical encoding).</summary>
    public static bool IsIdentity(ReadOnlySpan<byte> element)
    {
        Check(element, ElementSize, nameof(element));
        Span<byte> zero = stackalloc byte[ElementSize];
        zero.Clear();
        return CryptographicOperations.FixedTimeEquals(element, zero);
    }

    /// <summary>Maps 64 uniform bytes to an element (the ristretto255 one-way map of RFC 9496 §4.3.4).</summary>
    public static unsafe void FromHash(ReadOnlySpan<byte> uniformBytes, Span<byte> element)
    {
        Check(uniformBytes, HashSize, nameof(uniformBytes));
        Check(element, ElementSize, nameof(element));
        fixed (byte* r = uniformBytes)
        fixed (byte* p = element)
            _ = SodiumNative.crypto_core_ristretto255_from_hash(p, r);
    }

    /// <summary>
    /// result = scalar · element. Returns false (result cleared) when the element is not a valid encoding or
    /// the product is the identity (a zero scalar, or the identity as input).
    /// </summary>
    public static unsafe bool TryScalarMult(ReadOnlySpan<byte> scalar, ReadOnlySpan<byte> element, Span<byte> result)
    {
        Check(scalar, ScalarSize, nameof(scalar));
        Check(element, ElementSize, nameof(element));
        Check(result, ElementSize, nameof(result));
        int rc;
        fixed (byte* n = scalar)
        fixed (byte* p = element)
        fixed (byte* q = result)
            rc = SodiumNative.crypto_scalarmult_ristretto255(q, n, p);
        if (rc == 0)
            return true;
        result.Clear();
        return false;
    }

    /// <summary>result = scalar · G. Returns false (result cleared) when the scalar is zero modulo L.</summary>
    public static unsafe bool TryScalarMultBase(ReadOnlySpan<byte> scalar, Span<byte> result)
    {
        Check(scalar, ScalarSize, nameof(scalar));
        Check(result, ElementSize, nameof(result));
        int rc;
        fixed (byte* n = scalar)
        fixed (byte* q = result)
            rc = SodiumNative.crypto_scalarmult_ristretto255_base(q, n);
        if (rc == 0)
            return true;
        result.Clear();
        return false;
    }

    /// <summary>result = a + b (group operation). Returns false when either input is not a valid encoding.</summary>
    public static unsafe bool TryAdd(ReadOnlySpan<byte> a, ReadOnlySpan<byte> b, Span<byte> result)
    {
        Check(a, ElementSize, nameof(a));
        Check(b, ElementSize, nameof(b));
        Check(result, ElementSize, nameof(result));
        fixed (byte* p = a)
        fixed (byte* q = b)
        fixed (byte* r = result)
            return SodiumNative.crypto_core_ristretto255_add(r, p, q) == 0;
    }

    /// <summary>Fills <paramref name="scalar"/> with a uniformly random non-zero scalar from libsodium's CSPRNG.</summary>
    public static unsafe void RandomScalar(Span<byte> scalar)
    {
        Check(scalar, ScalarSize, nameof(scalar));
        fixed (byte* r = scalar)
            SodiumNative.crypto_core_ristretto255_scalar_random(r);
    }

    /// <summary>Reduces 64 little-endian bytes modulo L (RFC 9380 hash-to-scalar for ristretto255).</summary>
    public static unsafe void ReduceScalar(ReadOnlySpan<byte> wide, Span<byte> scalar)
    {
        Check(wide, HashSize, nameof(wide));
        Check(scalar, ScalarSize, nameof(scalar));
        fixed (byte* s = wide)
        fixed (byte* r = scalar)
            SodiumNative.crypto_core_ristretto255_scalar_reduce(r, s);
    }

    /// <summary>result = 1 / scalar mod L. Returns false (result cleared) when the scalar is zero.</summary>
    public static unsafe bool TryInvertScalar(ReadOnlySpan<byte> scalar, Span<byte> result)
    {
        Check(scalar, ScalarSize, nameof(scalar));
        Check(result, ScalarSize, nameof(result));
        int rc;
        fixed (byte* s = scalar)
        fixed (byte* r = result)
            rc = SodiumNative.crypto_core_ristretto255_scalar_invert(r, s);
        if (rc == 0)
            return true;
        result.Clear();
        return false;
    }

    /// <summary>result = a · b mod L.</summary>
    public static unsafe void MultiplyScalars(ReadOnlySpan<byte> a, ReadOnlySpan<byte> b, Span<byte> result)
    {
        Check(a, ScalarSize, nameof(a));
        Check(b, ScalarSize, nameof(b));
        Check(result, ScalarSize, nameof(result));
        fixed (byte* x = a)
        fixed (byte* y = b)
        fixed (byte* z = result)
            SodiumNative.crypto_core_ristretto255_scalar_mul(z, x, y);
    }

    /// <summary>True when <paramref name="scalar"/> is the canonical encoding of an integer below L.</summary>
    public static bool IsCanonicalScalar(ReadOnlySpan<byte> scalar)
    {
        Check(scalar, ScalarSize, nameof(scalar));
        Span<byte> wide = stackalloc byte[HashSize];
        Span<byte> reduced = stackalloc byte[ScalarSize];
        try
        {
            wide.Clear();
            scalar.CopyTo(wide);
            ReduceScalar(wide, reduced);
            return CryptographicOperations.FixedTimeEquals(scalar, reduced);
        }
        finally
        {
            CryptographicOperations.ZeroMemory(wide);
            CryptographicOperations.ZeroMemory(reduced);
        }
    }

    /// <summary>True when every byte of <paramref name="scalar"/> is zero (checked in constant time).</summary>
    public static bool IsZeroScalar(ReadOnlySpan<byte> scalar)
    {
        Check(scalar, ScalarSize, nameof(scalar));
        Span<byte> zero = stackalloc byte[ScalarSize];
        zero.Clear();
        return CryptographicOperations.FixedTimeEquals(scalar, zero);
    }

    private static void Check(ReadOnlySpan<byte> span, int size, string name)
    {
        if (span.Length != size)
            throw new ArgumentException($"Expected {size} bytes, got {span.Length}.", name);
    }
}
