using System.Diagnostics.CodeAnalysis;
using Lockbox.Opaque.Internal;

namespace Lockbox.Opaque;

/// <summary>RFC 9807 §5.3: the client's blinded password inside KE1.</summary>
public sealed class CredentialRequest : OpaqueMessage
{
    /// <summary>Exact encoded size.</summary>
    public const int Size = 32;

    private CredentialRequest(byte[] bytes)
        : base(bytes)
    {
    }

    /// <summary>blinded_message (32 bytes).</summary>
    public ReadOnlySpan<byte> BlindedMessage => Bytes.Slice(0, 32);

    /// <summary>Parses exactly <see cref="Size"/> bytes; throws <see cref="OpaqueProtocolException"/> naming the bad field.</summary>
    public static CredentialRequest Parse(ReadOnlySpan<byte> data)
    {
        Wire.ThrowIfError(Validate(data));
        return new CredentialRequest(data.ToArray());
    }

    /// <summary>Parses exactly <see cref="Size"/> bytes, or returns false.</summary>
    public static bool TryParse(ReadOnlySpan<byte> data, [NotNullWhen(true)] out CredentialRequest? message)
    {
        message = Validate(data) is null ? new CredentialRequest(data.ToArray()) : null;
        return message is not null;
    }

    /// <summary>Parses exactly <see cref="Size"/> bytes, or returns false with the reason (null on success).</summary>
    public static bool TryParse(ReadOnlySpan<byte> data, [NotNullWhen(true)] out CredentialRequest? message, out OpaqueError? error)
    {
        error = Validate(data)?.Error;
        message = error is null ? new CredentialRequest(data.ToArray()) : null;
        return message is not null;
    }

    internal static OpaqueProtocolException? Validate(ReadOnlySpan<byte> data) =>
        Wire.CheckLength(data, Size, "CredentialRequest")
            ?? Wire.CheckElement(data.Slice(0, 32), "CredentialRequest blinded_message");

    /// <summary>Wraps bytes this library produced or already validated.</summary>
    internal static CredentialRequest FromValidated(byte[] bytes) => new(bytes);
}
