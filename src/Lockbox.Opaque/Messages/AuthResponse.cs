using System.Diagnostics.CodeAnalysis;
using Lockbox.Opaque.Internal;

namespace Lockbox.Opaque;

/// <summary>RFC 9807 §6.1: the server's 3DH nonce, ephemeral public key and MAC inside KE2.</summary>
public sealed class AuthResponse : OpaqueMessage
{
    /// <summary>Exact encoded size.</summary>
    public const int Size = 128;

    private AuthResponse(byte[] bytes)
        : base(bytes)
    {
    }

    /// <summary>server_nonce (32 bytes).</summary>
    public ReadOnlySpan<byte> ServerNonce => Bytes.Slice(0, 32);

    /// <summary>server_public_keyshare (32 bytes).</summary>
    public ReadOnlySpan<byte> ServerPublicKeyshare => Bytes.Slice(32, 32);

    /// <summary>server_mac (64 bytes).</summary>
    public ReadOnlySpan<byte> ServerMac => Bytes.Slice(64, 64);

    /// <summary>Parses exactly <see cref="Size"/> bytes; throws <see cref="OpaqueProtocolException"/> naming the bad field.</summary>
    public static AuthResponse Parse(ReadOnlySpan<byte> data)
    {
        Wire.ThrowIfError(Validate(data));
        return new AuthResponse(data.ToArray());
    }

    /// <summary>Parses exactly <see cref="Size"/> bytes, or returns false.</summary>
    public static bool TryParse(ReadOnlySpan<byte> data, [NotNullWhen(true)] out AuthResponse? message)
    {
        message = Validate(data) is null ? new AuthResponse(data.ToArray()) : null;
        return message is not null;
    }

    /// <summary>Parses exactly <see cref="Size"/> bytes, or returns false with the reason (null on success).</summary>
    public static bool TryParse(ReadOnlySpan<byte> data, [NotNullWhen(true)] out AuthResponse? message, out OpaqueError? error)
    {
        error = Validate(data)?.Error;
        message = error is null ? new AuthResponse(data.ToArray()) : null;
        return message is not null;
    }

    internal static OpaqueProtocolException? Validate(ReadOnlySpan<byte> data) =>
        Wire.CheckLength(data, Size, "AuthResponse")
            ?? Wire.CheckElement(data.Slice(32, 32), "AuthResponse server_public_keyshare");

    /// <summary>Wraps bytes this library produced or already validated.</summary>
    internal static AuthResponse FromValidated(byte[] bytes) => new(bytes);
}
