using System.Diagnostics.CodeAnalysis;
using Lockbox.Opaque.Internal;

namespace Lockbox.Opaque;

/// <summary>RFC 9807 §5.3: the OPRF evaluation, the masking nonce and server_public_key || envelope masked under the record's masking key.</summary>
public sealed class CredentialResponse : OpaqueMessage
{
    /// <summary>Exact encoded size.</summary>
    public const int Size = 192;

    private CredentialResponse(byte[] bytes)
        : base(bytes)
    {
    }

    /// <summary>evaluated_message (32 bytes).</summary>
    public ReadOnlySpan<byte> EvaluatedMessage => Bytes.Slice(0, 32);

    /// <summary>masking_nonce (32 bytes).</summary>
    public ReadOnlySpan<byte> MaskingNonce => Bytes.Slice(32, 32);

    /// <summary>masked_response (128 bytes).</summary>
    public ReadOnlySpan<byte> MaskedResponse => Bytes.Slice(64, 128);

    /// <summary>Parses exactly <see cref="Size"/> bytes; throws <see cref="OpaqueProtocolException"/> naming the bad field.</summary>
    public static CredentialResponse Parse(ReadOnlySpan<byte> data)
    {
        Wire.ThrowIfError(Validate(data));
        return new CredentialResponse(data.ToArray());
    }

    /// <summary>Parses exactly <see cref="Size"/> bytes, or returns false.</summary>
    public static bool TryParse(ReadOnlySpan<byte> data, [NotNullWhen(true)] out CredentialResponse? message)
    {
        message = Validate(data) is null ? new CredentialResponse(data.ToArray()) : null;
        return message is not null;
    }

    /// <summary>Parses exactly <see cref="Size"/> bytes, or returns false with the reason (null on success).</summary>
    public static bool TryParse(ReadOnlySpan<byte> data, [NotNullWhen(true)] out CredentialResponse? message, out OpaqueError? error)
    {
        error = Validate(data)?.Error;
        message = error is null ? new CredentialResponse(data.ToArray()) : null;
        return message is not null;
    }

    internal static OpaqueProtocolException? Validate(ReadOnlySpan<byte> data) =>
        Wire.CheckLength(data, Size, "CredentialResponse")
            ?? Wire.CheckElement(data.Slice(0, 32), "CredentialResponse evaluated_message");

    /// <summary>Wraps bytes this library produced or already validated.</summary>
    internal static CredentialResponse FromValidated(byte[] bytes) => new(bytes);
}
