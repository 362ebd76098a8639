using System.Buffers.Binary;
using System.Security.Cryptography;
using Lockbox.Cryptography.Sodium;
using Lockbox.Opaque.Internal;

namespace Lockbox.Opaque;

/// <summary>
/// RFC 9497 OPRF, mode 0 (OPRF), suite ristretto255-SHA512: the oblivious PRF under OPAQUE.
/// The client blinds its input, the server evaluates with its key without learning the input, the
/// client unblinds and hashes. Elements and scalars are the 32-byte ristretto255 encodings.
/// </summary>
public static class Oprf
{
    /// <summary>Ne: encoded element.</summary>
    public const int ElementSize = 32;

    /// <summary>Ns: encoded scalar (private key, blind).</summary>
    public const int ScalarSize = 32;

    /// <summary>Nh: PRF output.</summary>
    public const int OutputSize = 64;

    /// <summary>
    /// RFC 9497 §3.2.1 DeriveKeyPair(seed, info): skS = HashToScalar(seed || I2OSP(len(info), 2) || info
    /// || I2OSP(counter, 1), DST = "DeriveKeyPair" || contextString) for the first counter giving a
    /// non-zero scalar; pkS = skS · G.
    /// </summary>
    public static void DeriveKeyPair(ReadOnlySpan<byte> seed, ReadOnlySpan<byte> info, Span<byte> privateKey, Span<byte> publicKey)
    {
        Wire.RequireLength(publicKey, ElementSize, nameof(publicKey));
        DerivePrivateKey(seed, info, privateKey);
        _ = Ristretto255.TryScalarMultBase(privateKey, publicKey);
    }

    /// <summary>DeriveKeyPair's private key alone (the server's OPRF evaluation needs no public key).</summary>
    internal static void DerivePrivateKey(ReadOnlySpan<byte> seed, ReadOnlySpan<byte> info, Span<byte> privateKey)
    {
        Wire.RequireLength(privateKey, ScalarSize, nameof(privateKey));
        if (info.Length > ushort.MaxValue)
            throw new ArgumentException("info longer than 65535 bytes.", nameof(info));

        int length = seed.Length + 2 + info.Length + 1;
        Span<byte> deriveInput = length <= 256 ? stackalloc byte[length] : new byte[length];
        try
        {
            seed.CopyTo(deriveInput);
            BinaryPrimitives.WriteUInt16BigEndian(deriveInput[seed.Length..], (ushort)info.Length);
            info.CopyTo(deriveInput[(seed.Length + 2)..]);
            for (int counter = 0; counter <= 255; counter++)
            {
                deriveInput[^1] = (byte)counter;
                HashToScalar(deriveInput, OpaqueLabels.DeriveKeyPairDst, privateKey);
                if (!Ristretto255.IsZeroScalar(privateKey))
                    return;
            }
        }
        finally
        {
            CryptographicOperations.ZeroMemory(deriveInput);
        }
        throw new OpaqueProtocolException(OpaqueError.InvalidInput, "DeriveKeyPair found no non-zero scalar.");
    }

    /// <summary>
    /// Blind(input, blind): blindedElement = blind · HashToGroup(input). Throws
    /// <see cref="OpaqueProtocolException"/> (<see cref="OpaqueError.InvalidInput"/>) if the input hashes to
    /// the identity, (<see cref="OpaqueError.InvalidScalar"/>) if the blind is zero or not reduced.
    /// </summary>
    public static void Blind(ReadOnlySpan<byte> input, ReadOnlySpan<byte> blind, Span<byte> blindedElement)
    {
        Wire.ThrowIfError(Wire.CheckScalar(blind, nameof(blind)));
        Wire.RequireLength(blindedElement, ElementSize, nameof(blindedElement));
        Span<byte> inputElement = stackalloc byte[ElementSize];
        try
        {
            HashToGroup(input, inputElement);
            if (Ristretto255.IsIdentity(inputElement))
                throw new OpaqueProtocolException(OpaqueError.InvalidInput, "OPRF input maps to the identity element.");
            if (!Ristretto255.TryScalarMult(blind, inputElement, blindedElement))
                throw new OpaqueProtocolException(OpaqueError.IdentityElement, "Blinded element is the identity.");
        }
        finally
        {
            CryptographicOperations.ZeroMemory(inputElement);
        }
    }

    /// <summary>
    /// BlindEvaluate(skS, blindedElement) = skS · blindedElement. Throws <see cref="OpaqueProtocolException"/>
    /// when the blinded element is malformed or the identity.
    /// </summary>
    public static void BlindEvaluate(ReadOnlySpan<byte> privateKey, ReadOnlySpan<byte> blindedElement, Span<byte> evaluatedElement)
    {
        Wire.RequireLength(privateKey, ScalarSize, nameof(privateKey));
        Wire.RequireLength(evaluatedElement, ElementSize, nameof(evaluatedElement));
        Wire.ThrowIfError(Wire.CheckElement(blindedElement, "blinded element"));
        if (!Ristretto255.TryScalarMult(privateKey, blindedElement, evaluatedElement))
            throw new OpaqueProtocolException(OpaqueError.IdentityElement, "Evaluated element is the identity (zero OPRF key).");
    }

    /// <summary>
    /// Finalize(input, blind, evaluatedElement) = Hash(I2OSP(len(input), 2) || input ||
    /// I2OSP(Ne, 2) || (1/blind) · evaluatedElement || "Finalize").
    /// </summary>
    public static void Finalize(ReadOnlySpan<byte> input, ReadOnlySpan<byte> blind, ReadOnlySpan<byte> evaluatedElement, Span<byte> output)
    {
        Wire.RequireLength(output, OutputSize, nameof(output));
        Wire.ThrowIfError(Wire.CheckScalar(blind, nameof(blind)));
        Wire.ThrowIfError(Wire.CheckElement(evaluatedElement, "evaluated element"));
        if (input.Length > ushort.MaxValue)
            throw new ArgumentException("OPRF input longer than 65535 bytes.", nameof(input));

        Span<byte> inverse = stackalloc byte[ScalarSize];
        Span<byte> unblinded = stackalloc byte[ElementSize];
        Span<byte> length = stackalloc byte[2];
        try
        {
            _ = Ristretto255.TryInvertScalar(blind, inverse);
            if (!Ristretto255.TryScalarMult(inverse, evaluatedElement, unblinded))
                throw new OpaqueProtocolException(OpaqueError.IdentityElement, "Unblinded element is the identity.");
            using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA512);
            BinaryPrimitives.WriteUInt16BigEndian(length, (ushort)input.Length);
            hash.AppendData(length);
            hash.AppendData(input);
            BinaryPrimitives.WriteUInt16BigEndian(length, ElementSize);
            hash.AppendData(length);
            hash.AppendData(unblinded);
            hash.AppendData(OpaqueLabels.Finalize);
            hash.GetHashAndReset(output);
        }
        finally
        {
            CryptographicOperations.ZeroMemory(inverse);
            CryptographicOperations.ZeroMemory(unblinded);
        }
    }

    /// <summary>HashToGroup(input): expand_message_xmd(input, "HashToGroup-" || contextString, 64), then the one-way map.</summary>
    public static void HashToGroup(ReadOnlySpan<byte> input, Span<byte> element)
    {
        Wire.RequireLength(element, ElementSize, nameof(element));
        Span<byte> uniform = stackalloc byte[Ristretto255.HashSize];
        try
        {
            ExpandMessageXmd.Expand(input, OpaqueLabels.HashToGroupDst, uniform);
            Ristretto255.FromHash(uniform, element);
        }
        finally
        {
            CryptographicOperations.ZeroMemory(uniform);
        }
    }

    /// <summary>HashToScalar(input, DST): expand_message_xmd to 64 bytes, reduced modulo L.</summary>
    internal static void HashToScalar(ReadOnlySpan<byte> input, ReadOnlySpan<byte> dst, Span<byte> scalar)
    {
        Span<byte> uniform = stackalloc byte[Ristretto255.HashSize];
        try
        {
            ExpandMessageXmd.Expand(input, dst, uniform);
            Ristretto255.ReduceScalar(uniform, scalar);
        }
        finally
        {
            CryptographicOperations.ZeroMemory(uniform);
        }
    }

    /// <summary>
    /// RandomScalar: a uniformly random non-zero scalar from <see cref="RandomNumberGenerator"/> (64 bytes
    /// reduced modulo L), e.g. the blind for <see cref="Blind"/>.
    /// </summary>
    public static void RandomScalar(Span<byte> scalar)
    {
        Wire.RequireLength(scalar, ScalarSize, nameof(scalar));
        Span<byte> wide = stackalloc byte[Ristretto255.HashSize];
        try
        {
            do
            {
                RandomNumberGenerator.Fill(wide);
                Ristretto255.ReduceScalar(wide, scalar);
            }
            while (Ristretto255.IsZeroScalar(scalar));
        }
        finally
        {
            CryptographicOperations.ZeroMemory(wide);
        }
    }
}
