using System.Diagnostics.CodeAnalysis;
using Lockbox.Opaque.Internal;

namespace Lockbox.Opaque;

/// <summary>RFC 9807 §6.1: the client's 3DH nonce and ephemeral public key inside KE1.</summary>
public sealed class AuthRequest : OpaqueMessage
{
    /// <summary>Exact encoded size.</summary>
    public const int Size = 64;

    private AuthRequest(byte[] bytes)
        : base(bytes)
    {
    }

    /// <summary>client_nonce (32 bytes).</summary>
    public ReadOnlySpan<byte> ClientNonce => Bytes.Slice(0, 32);

    /// <summary>client_public_keyshare (32 bytes).</summary>
    public ReadOnlySpan<byte> ClientPublicKeyshare => Bytes.Slice(32, 32);

    /// <summary>Parses exactly <see cref="Size"/> bytes; throws <see cref="OpaqueProtocolException"/> naming the bad field.</summary>
    public static AuthRequest Parse(ReadOnlySpan<byte> data)
    {
        Wire.ThrowIfError(Validate(data));
        return new AuthRequest(data.ToArray());
    }

    /// <summary>Parses exactly <see cref="Size"/> bytes, or returns false.</summary>
    public static bool TryParse(ReadOnlySpan<byte> data, [NotNullWhen(true)] out AuthRequest? message)
    {
        message = Validate(data) is null ? new AuthRequest(data.ToArray()) : null;
        return message is not null;
    }

    /// <summary>Parses exactly <see cref="Size"/> bytes, or returns false with the reason (null on success).</summary>
    public static bool TryParse(ReadOnlySpan<byte> data, [NotNullWhen(true)] out AuthRequest? message, out OpaqueError? error)
    {
        error = Validate(data)?.Error;
        message = error is null ? new AuthRequest(data.ToArray()) : null;
        return message is not null;
    }

    internal static OpaqueProtocolException? Validate(ReadOnlySpan<byte> data) =>
        Wire.CheckLength(data, Size, "AuthRequest")
            ?? Wire.CheckElement(data.Slice(32, 32), "AuthRequest client_public_keyshare");

    /// <summary>Wraps bytes this library produced or already validated.</summary>
    internal static AuthRequest FromValidated(byte[] bytes) => new(bytes);
}
