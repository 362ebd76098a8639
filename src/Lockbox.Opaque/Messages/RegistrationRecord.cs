using System.Diagnostics.CodeAnalysis;
using System.Security.Cryptography;
using Lockbox.Opaque.Internal;

namespace Lockbox.Opaque;

/// <summary>
/// RFC 9807 §5.1: what the server stores per account after registration:
/// client_public_key || masking_key || envelope. It holds no password-equivalent secret, but the
/// masking key lets its holder unmask the envelope, so it is kept as confidential as the account.
/// </summary>
public sealed class RegistrationRecord : OpaqueMessage
{
    /// <summary>Exact encoded size.</summary>
    public const int Size = OpaqueSizes.Npk + OpaqueSizes.Nh + OpaqueSizes.Envelope;

    private RegistrationRecord(byte[] bytes)
        : base(bytes)
    {
    }

    /// <summary>client_public_key (32 bytes).</summary>
    public ReadOnlySpan<byte> ClientPublicKey => Bytes[..OpaqueSizes.Npk];

    /// <summary>masking_key (64 bytes).</summary>
    public ReadOnlySpan<byte> MaskingKey => Bytes.Slice(OpaqueSizes.Npk, OpaqueSizes.Nh);

    /// <summary>envelope (96 bytes).</summary>
    public ReadOnlySpan<byte> Envelope => Bytes[(OpaqueSizes.Npk + OpaqueSizes.Nh)..];

    /// <summary>Parses exactly <see cref="Size"/> bytes; throws <see cref="OpaqueProtocolException"/> naming the bad field.</summary>
    public static RegistrationRecord Parse(ReadOnlySpan<byte> data)
    {
        Wire.ThrowIfError(Validate(data));
        return new RegistrationRecord(data.ToArray());
    }

    /// <summary>Parses exactly <see cref="Size"/> bytes, or returns false.</summary>
    public static bool TryParse(ReadOnlySpan<byte> data, [NotNullWhen(true)] out RegistrationRecord? message)
    {
        message = Validate(data) is null ? new RegistrationRecord(data.ToArray()) : null;
        return message is not null;
    }

    /// <summary>Parses exactly <see cref="Size"/> bytes, or returns false with the reason (null on success).</summary>
    public static bool TryParse(ReadOnlySpan<byte> data, [NotNullWhen(true)] out RegistrationRecord? message, out OpaqueError? error)
    {
        error = Validate(data)?.Error;
        message = error is null ? new RegistrationRecord(data.ToArray()) : null;
        return message is not null;
    }

    /// <summary>
    /// RFC 9807 §6.3.2.2 (and §10.9): the fake record the server uses for an account that does not exist,
    /// so its KE2 cannot be told from a real one: a random client key pair, a random masking key and an
    /// all-zero envelope.
    /// </summary>
    public static RegistrationRecord CreateFake()
    {
        Span<byte> seed = stackalloc byte[OpaqueSizes.Nseed];
        Span<byte> privateKey = stackalloc byte[OpaqueSizes.Nsk];
        Span<byte> publicKey = stackalloc byte[OpaqueSizes.Npk];
        Span<byte> maskingKey = stackalloc byte[OpaqueSizes.Nh];
        try
        {
            RandomNumberGenerator.Fill(seed);
            RandomNumberGenerator.Fill(maskingKey);
            Oprf.DeriveKeyPair(seed, OpaqueLabels.OpaqueDeriveDiffieHellmanKeyPair, privateKey, publicKey);
            return CreateFake(publicKey, maskingKey);
        }
        finally
        {
            CryptographicOperations.ZeroMemory(seed);
            CryptographicOperations.ZeroMemory(privateKey);
            CryptographicOperations.ZeroMemory(maskingKey);
        }
    }

    /// <summary>The fake record from given parts (the RFC's fake vector; a deterministic vault).</summary>
    public static RegistrationRecord CreateFake(ReadOnlySpan<byte> fakeClientPublicKey, ReadOnlySpan<byte> fakeMaskingKey)
    {
        Wire.ThrowIfError(Wire.CheckElement(fakeClientPublicKey, "fake client_public_key"));
        Wire.RequireLength(fakeMaskingKey, OpaqueSizes.Nh, nameof(fakeMaskingKey));
        byte[] bytes = new byte[Size];
        fakeClientPublicKey.CopyTo(bytes);
        fakeMaskingKey.CopyTo(bytes.AsSpan(OpaqueSizes.Npk));
        return new RegistrationRecord(bytes);
    }

    internal static OpaqueProtocolException? Validate(ReadOnlySpan<byte> data) =>
        Wire.CheckLength(data, Size, nameof(RegistrationRecord))
            ?? Wire.CheckElement(data[..OpaqueSizes.Npk], "RegistrationRecord client_public_key");

    /// <summary>Wraps bytes this library produced.</summary>
    internal static RegistrationRecord FromValidated(byte[] bytes) => new(bytes);
}
