using System.Diagnostics.CodeAnalysis;
using Lockbox.Opaque.Internal;

namespace Lockbox.Opaque;

/// <summary>RFC 9807 §6.1: the client's first login message, CredentialRequest || AuthRequest.</summary>
public sealed class KE1 : OpaqueMessage
{
    /// <summary>Exact encoded size.</summary>
    public const int Size = 96;

    private KE1(byte[] bytes)
        : base(bytes)
    {
    }

    /// <summary>blinded_message (32 bytes).</summary>
    public ReadOnlySpan<byte> BlindedMessage => Bytes.Slice(0, 32);

    /// <summary>client_nonce (32 bytes).</summary>
    public ReadOnlySpan<byte> ClientNonce => Bytes.Slice(32, 32);

    /// <summary>client_public_keyshare (32 bytes).</summary>
    public ReadOnlySpan<byte> ClientPublicKeyshare => Bytes.Slice(64, 32);

    /// <summary>The CredentialRequest part.</summary>
    public CredentialRequest CredentialRequest => CredentialRequest.FromValidated(Bytes[..CredentialRequest.Size].ToArray());

    /// <summary>The AuthRequest part.</summary>
    public AuthRequest AuthRequest => AuthRequest.FromValidated(Bytes[CredentialRequest.Size..].ToArray());

    /// <summary>Joins the two parts.</summary>
    public static KE1 Create(CredentialRequest credentialRequest, AuthRequest authRequest)
    {
        ArgumentNullException.ThrowIfNull(credentialRequest);
        ArgumentNullException.ThrowIfNull(authRequest);
        return new KE1([.. credentialRequest.Bytes, .. authRequest.Bytes]);
    }

    /// <summary>Parses exactly <see cref="Size"/> bytes; throws <see cref="OpaqueProtocolException"/> naming the bad field.</summary>
    public static KE1 Parse(ReadOnlySpan<byte> data)
    {
        Wire.ThrowIfError(Validate(data));
        return new KE1(data.ToArray());
    }

    /// <summary>Parses exactly <see cref="Size"/> bytes, or returns false.</summary>
    public static bool TryParse(ReadOnlySpan<byte> data, [NotNullWhen(true)] out KE1? message)
    {
        message = Validate(data) is null ? new KE1(data.ToArray()) : null;
        return message is not null;
    }

    /// <summary>Parses exactly <see cref="Size"/> bytes, or returns false with the reason (null on success).</summary>
    public static bool TryParse(ReadOnlySpan<byte> data, [NotNullWhen(true)] out KE1? message, out OpaqueError? error)
    {
        error = Validate(data)?.Error;
        message = error is null ? new KE1(data.ToArray()) : null;
        return message is not null;
    }

    internal static OpaqueProtocolException? Validate(ReadOnlySpan<byte> data) =>
        Wire.CheckLength(data, Size, "KE1")
            ?? Wire.CheckElement(data.Slice(0, 32), "KE1 blinded_message")
            ?? Wire.CheckElement(data.Slice(64, 32), "KE1 client_public_keyshare");

    /// <summary>Wraps bytes this library produced or already validated.</summary>
    internal static KE1 FromValidated(byte[] bytes) => new(bytes);
}
