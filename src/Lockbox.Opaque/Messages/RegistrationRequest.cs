using System.Diagnostics.CodeAnalysis;
using Lockbox.Opaque.Internal;

namespace Lockbox.Opaque;

/// <summary>RFC 9807 §5.1: the client's blinded password, sent to start registration.</summary>
public sealed class RegistrationRequest : OpaqueMessage
{
    /// <summary>Exact encoded size.</summary>
    public const int Size = 32;

    private RegistrationRequest(byte[] bytes)
        : base(bytes)
    {
    }

    /// <summary>blinded_message (32 bytes).</summary>
    public ReadOnlySpan<byte> BlindedMessage => Bytes.Slice(0, 32);

    /// <summary>Parses exactly <see cref="Size"/> bytes; throws <see cref="OpaqueProtocolException"/> naming the bad field.</summary>
    public static RegistrationRequest Parse(ReadOnlySpan<byte> data)
    {
        Wire.ThrowIfError(Validate(data));
        return new RegistrationRequest(data.ToArray());
    }

    /// <summary>Parses exactly <see cref="Size"/> bytes, or returns false.</summary>
    public static bool TryParse(ReadOnlySpan<byte> data, [NotNullWhen(true)] out RegistrationRequest? message)
    {
        message = Validate(data) is null ? new RegistrationRequest(data.ToArray()) : null;
        return message is not null;
    }

    /// <summary>Parses exactly <see cref="Size"/> bytes, or returns false with the reason (null on success).</summary>
    public static bool TryParse(ReadOnlySpan<byte> data, [NotNullWhen(true)] out RegistrationRequest? message, out OpaqueError? error)
    {
        error = Validate(data)?.Error;
        message = error is null ? new RegistrationRequest(data.ToArray()) : null;
        return message is not null;
    }

    internal static OpaqueProtocolException? Validate(ReadOnlySpan<byte> data) =>
        Wire.CheckLength(data, Size, "RegistrationRequest")
            ?? Wire.CheckElement(data.Slice(0, 32), "RegistrationRequest blinded_message");

    /// <summary>Wraps bytes this library produced or already validated.</summary>
    internal static RegistrationRequest FromValidated(byte[] bytes) => new(bytes);
}
