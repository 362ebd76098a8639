using Lockbox.Cryptography.Sodium;

namespace Lockbox.Opaque.Internal;

/// <summary>Exact-length reading and validation shared by every message parser.</summary>
internal static class Wire
{
    /// <summary>Null when <paramref name="element"/> is a canonical, non-identity element; otherwise the error.</summary>
    public static OpaqueProtocolException? CheckElement(ReadOnlySpan<byte> element, string field)
    {
        if (element.Length != Ristretto255.ElementSize)
            return new OpaqueProtocolException(OpaqueError.InvalidLength, $"{field}: expected {Ristretto255.ElementSize} bytes, got {element.Length}.");
        if (Ristretto255.IsIdentity(element))
            return new OpaqueProtocolException(OpaqueError.IdentityElement, $"{field} is the identity element.");
        if (!Ristretto255.IsValidElement(element))
            return new OpaqueProtocolException(OpaqueError.NonCanonicalElement, $"{field} is not a canonical ristretto255 element.");
        return null;
    }

    /// <summary>Null when <paramref name="scalar"/> is a canonical, non-zero scalar; otherwise the error.</summary>
    public static OpaqueProtocolException? CheckScalar(ReadOnlySpan<byte> scalar, string field)
    {
        if (scalar.Length != Ristretto255.ScalarSize)
            return new OpaqueProtocolException(OpaqueError.InvalidLength, $"{field}: expected {Ristretto255.ScalarSize} bytes, got {scalar.Length}.");
        if (Ristretto255.IsZeroScalar(scalar))
            return new OpaqueProtocolException(OpaqueError.InvalidScalar, $"{field} is zero.");
        if (!Ristretto255.IsCanonicalScalar(scalar))
            return new OpaqueProtocolException(OpaqueError.InvalidScalar, $"{field} is not reduced modulo the group order.");
        return null;
    }

    public static OpaqueProtocolException? CheckLength(ReadOnlySpan<byte> input, int expected, string what) =>
        input.Length == expected
            ? null
            : new OpaqueProtocolException(OpaqueError.InvalidLength, $"{what}: expected {expected} bytes, got {input.Length}.");

    public static void ThrowIfError(OpaqueProtocolException? error)
    {
        if (error is not null)
            throw error;
    }

    /// <summary>Argument check for caller-supplied randomness and keys (a caller bug, not a protocol error).</summary>
    public static void RequireLength(ReadOnlySpan<byte> value, int expected, string name)
    {
        if (value.Length != expected)
            throw new ArgumentException($"Expected {expected} bytes, got {value.Length}.", name);
    }
}
