using System.Diagnostics.CodeAnalysis;
using Lockbox.Opaque.Internal;

namespace Lockbox.Opaque;

/// <summary>RFC 9807 §5.1: the server's OPRF evaluation and its long-term public key.</summary>
public sealed class RegistrationResponse : OpaqueMessage
{
    /// <summary>Exact encoded size.</summary>
    public const int Size = 64;

    private RegistrationResponse(byte[] bytes)
        : base(bytes)
    {
    }

    /// <summary>evaluated_message (32 bytes).</summary>
    public ReadOnlySpan<byte> EvaluatedMessage => Bytes.Slice(0, 32);

    /// <summary>server_public_key (32 bytes).</summary>
    public ReadOnlySpan<byte> ServerPublicKey => Bytes.Slice(32, 32);

    /// <summary>Parses exactly <see cref="Size"/> bytes; throws <see cref="OpaqueProtocolException"/> naming the bad field.</summary>
    public static RegistrationResponse Parse(ReadOnlySpan<byte> data)
    {
        Wire.ThrowIfError(Validate(data));
        return new RegistrationResponse(data.ToArray());
    }

    /// <summary>Parses exactly <see cref="Size"/> bytes, or returns false.</summary>
    public static bool TryParse(ReadOnlySpan<byte> data, [NotNullWhen(true)] out RegistrationResponse? message)
    {
        message = Validate(data) is null ? new RegistrationResponse(data.ToArray()) : null;
        return message is not null;
    }

    /// <summary>Parses exactly <see cref="Size"/> bytes, or returns false with the reason (null on success).</summary>
    public static bool TryParse(ReadOnlySpan<byte> data, [NotNullWhen(true)] out RegistrationResponse? message, out OpaqueError? error)
    {
        error = Validate(data)?.Error;
        message = error is null ? new RegistrationResponse(data.ToArray()) : null;
        return message is not null;
    }

    internal static OpaqueProtocolException? Validate(ReadOnlySpan<byte> data) =>
        Wire.CheckLength(data, Size, "RegistrationResponse")
            ?? Wire.CheckElement(data.Slice(0, 32), "RegistrationResponse evaluated_message")
            ?? Wire.CheckElement(data.Slice(32, 32), "RegistrationResponse server_public_key");

    /// <summary>Wraps bytes this library produced or already validated.</summary>
    internal static RegistrationResponse FromValidated(byte[] bytes) => new(bytes);
}
