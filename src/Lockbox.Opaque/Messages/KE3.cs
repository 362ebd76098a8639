using System.Diagnostics.CodeAnalysis;
using Lockbox.Opaque.Internal;

namespace Lockbox.Opaque;

/// <summary>RFC 9807 §6.1: the client's MAC that completes the login.</summary>
public sealed class KE3 : OpaqueMessage
{
    /// <summary>Exact encoded size.</summary>
    public const int Size = 64;

    private KE3(byte[] bytes)
        : base(bytes)
    {
    }

    /// <summary>client_mac (64 bytes).</summary>
    public ReadOnlySpan<byte> ClientMac => Bytes.Slice(0, 64);

    /// <summary>Parses exactly <see cref="Size"/> bytes; throws <see cref="OpaqueProtocolException"/> naming the bad field.</summary>
    public static KE3 Parse(ReadOnlySpan<byte> data)
    {
        Wire.ThrowIfError(Validate(data));
        return new KE3(data.ToArray());
    }

    /// <summary>Parses exactly <see cref="Size"/> bytes, or returns false.</summary>
    public static bool TryParse(ReadOnlySpan<byte> data, [NotNullWhen(true)] out KE3? message)
    {
        message = Validate(data) is null ? new KE3(data.ToArray()) : null;
        return message is not null;
    }

    /// <summary>Parses exactly <see cref="Size"/> bytes, or returns false with the reason (null on success).</summary>
    public static bool TryParse(ReadOnlySpan<byte> data, [NotNullWhen(true)] out KE3? message, out OpaqueError? error)
    {
        error = Validate(data)?.Error;
        message = error is null ? new KE3(data.ToArray()) : null;
        return message is not null;
    }

    internal static OpaqueProtocolException? Validate(ReadOnlySpan<byte> data) =>
        Wire.CheckLength(data, Size, "KE3");

    /// <summary>Wraps bytes this library produced or already validated.</summary>
    internal static KE3 FromValidated(byte[] bytes) => new(bytes);
}
