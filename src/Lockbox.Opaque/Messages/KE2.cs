using System.Diagnostics.CodeAnalysis;
using Lockbox.Opaque.Internal;

namespace Lockbox.Opaque;

/// <summary>RFC 9807 §6.1: the server's login response, CredentialResponse || AuthResponse.</summary>
public sealed class KE2 : OpaqueMessage
{
    /// <summary>Exact encoded size.</summary>
    public const int Size = 320;

    private KE2(byte[] bytes)
        : base(bytes)
    {
    }

    /// <summary>evaluated_message (32 bytes).</summary>
    public ReadOnlySpan<byte> EvaluatedMessage => Bytes.Slice(0, 32);

    /// <summary>masking_nonce (32 bytes).</summary>
    public ReadOnlySpan<byte> MaskingNonce => Bytes.Slice(32, 32);

    /// <summary>masked_response (128 bytes).</summary>
    public ReadOnlySpan<byte> MaskedResponse => Bytes.Slice(64, 128);

    /// <summary>server_nonce (32 bytes).</summary>
    public ReadOnlySpan<byte> ServerNonce => Bytes.Slice(192, 32);

    /// <summary>server_public_keyshare (32 bytes).</summary>
    public ReadOnlySpan<byte> ServerPublicKeyshare => Bytes.Slice(224, 32);

    /// <summary>server_mac (64 bytes).</summary>
    public ReadOnlySpan<byte> ServerMac => Bytes.Slice(256, 64);

    /// <summary>The CredentialResponse part.</summary>
    public CredentialResponse CredentialResponse => CredentialResponse.FromValidated(Bytes[..CredentialResponse.Size].ToArray());

    /// <summary>The AuthResponse part.</summary>
    public AuthResponse AuthResponse => AuthResponse.FromValidated(Bytes[CredentialResponse.Size..].ToArray());

    /// <summary>Joins the two parts.</summary>
    public static KE2 Create(CredentialResponse credentialResponse, AuthResponse authResponse)
    {
        ArgumentNullException.ThrowIfNull(credentialResponse);
        ArgumentNullException.ThrowIfNull(authResponse);
        return new KE2([.. credentialResponse.Bytes, .. authResponse.Bytes]);
    }

    /// <summary>Parses exactly <see cref="Size"/> bytes; throws <see cref="OpaqueProtocolException"/> naming the bad field.</summary>
    public static KE2 Parse(ReadOnlySpan<byte> data)
    {
        Wire.ThrowIfError(Validate(data));
        return new KE2(data.ToArray());
    }

    /// <summary>Parses exactly <see cref="Size"/> bytes, or returns false.</summary>
    public static bool TryParse(ReadOnlySpan<byte> data, [NotNullWhen(true)] out KE2? message)
    {
        message = Validate(data) is null ? new KE2(data.ToArray()) : null;
        return message is not null;
    }

    /// <summary>Parses exactly <see cref="Size"/> bytes, or returns false with the reason (null on success).</summary>
    public static bool TryParse(ReadOnlySpan<byte> data, [NotNullWhen(true)] out KE2? message, out OpaqueError? error)
    {
        error = Validate(data)?.Error;
        message = error is null ? new KE2(data.ToArray()) : null;
        return message is not null;
    }

    internal static OpaqueProtocolException? Validate(ReadOnlySpan<byte> data) =>
        Wire.CheckLength(data, Size, "KE2")
            ?? Wire.CheckElement(data.Slice(0, 32), "KE2 evaluated_message")
            ?? Wire.CheckElement(data.Slice(224, 32), "KE2 server_public_keyshare");

    /// <summary>Wraps bytes this library produced or already validated.</summary>
    internal static KE2 FromValidated(byte[] bytes) => new(bytes);
}
