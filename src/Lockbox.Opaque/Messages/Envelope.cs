using System.Diagnostics.CodeAnalysis;
using Lockbox.Opaque.Internal;

namespace Lockbox.Opaque;

/// <summary>RFC 9807 §4.1.1: envelope_nonce || auth_tag, from which the client recovers its key pair.</summary>
public sealed class Envelope : OpaqueMessage
{
    /// <summary>Exact encoded size.</summary>
    public const int Size = 96;

    private Envelope(byte[] bytes)
        : base(bytes)
    {
    }

    /// <summary>envelope_nonce (32 bytes).</summary>
    public ReadOnlySpan<byte> Nonce => Bytes.Slice(0, 32);

    /// <summary>auth_tag (64 bytes).</summary>
    public ReadOnlySpan<byte> AuthTag => Bytes.Slice(32, 64);

    /// <summary>Parses exactly <see cref="Size"/> bytes; throws <see cref="OpaqueProtocolException"/> naming the bad field.</summary>
    public static Envelope Parse(ReadOnlySpan<byte> data)
    {
        Wire.ThrowIfError(Validate(data));
        return new Envelope(data.ToArray());
    }

    /// <summary>Parses exactly <see cref="Size"/> bytes, or returns false.</summary>
    public static bool TryParse(ReadOnlySpan<byte> data, [NotNullWhen(true)] out Envelope? message)
    {
        message = Validate(data) is null ? new Envelope(data.ToArray()) : null;
        return message is not null;
    }

    /// <summary>Parses exactly <see cref="Size"/> bytes, or returns false with the reason (null on success).</summary>
    public static bool TryParse(ReadOnlySpan<byte> data, [NotNullWhen(true)] out Envelope? message, out OpaqueError? error)
    {
        error = Validate(data)?.Error;
        message = error is null ? new Envelope(data.ToArray()) : null;
        return message is not null;
    }

    internal static OpaqueProtocolException? Validate(ReadOnlySpan<byte> data) =>
        Wire.CheckLength(data, Size, "Envelope");

    /// <summary>Wraps bytes this library produced or already validated.</summary>
    internal static Envelope FromValidated(byte[] bytes) => new(bytes);
}
