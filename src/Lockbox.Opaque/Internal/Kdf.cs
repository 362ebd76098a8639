using System.Buffers.Binary;
using System.Security.Cryptography;

namespace Lockbox.Opaque.Internal;

/// <summary>HKDF-SHA512, HMAC-SHA512 and SHA-512 as RFC 9807 §2 and §6.4.2 use them.</summary>
internal static class Kdf
{
    /// <summary>Extract(salt, ikm) into 64 bytes.</summary>
    public static void Extract(ReadOnlySpan<byte> salt, ReadOnlySpan<byte> ikm, Span<byte> prk) =>
        HKDF.Extract(HashAlgorithmName.SHA512, ikm, salt, prk);

    /// <summary>Expand(prk, info, L) with L = <paramref name="output"/>.Length.</summary>
    public static void Expand(ReadOnlySpan<byte> prk, ReadOnlySpan<byte> info, Span<byte> output) =>
        HKDF.Expand(HashAlgorithmName.SHA512, prk, output, info);

    /// <summary>Expand(prk, a || b, L): the RFC's Expand(key, concat(nonce, label), L).</summary>
    public static void Expand(ReadOnlySpan<byte> prk, ReadOnlySpan<byte> a, ReadOnlySpan<byte> b, Span<byte> output)
    {
        int length = a.Length + b.Length;
        Span<byte> info = length <= 256 ? stackalloc byte[length] : new byte[length];
        a.CopyTo(info);
        b.CopyTo(info[a.Length..]);
        Expand(prk, info, output);
    }

    /// <summary>MAC(key, msg) = HMAC-SHA512 into 64 bytes.</summary>
    public static void Mac(ReadOnlySpan<byte> key, ReadOnlySpan<byte> message, Span<byte> mac) =>
        HMACSHA512.HashData(key, message, mac);

    /// <summary>Hash(msg) = SHA-512 into 64 bytes.</summary>
    public static void Hash(ReadOnlySpan<byte> message, Span<byte> digest) => SHA512.HashData(message, digest);

    /// <summary>
    /// Expand-Label(Secret, Label, Context, Length) = Expand(Secret, CustomLabel, Length), where
    /// CustomLabel = I2OSP(Length, 2) || I2OSP(len("OPAQUE-" || Label), 1) || "OPAQUE-" || Label
    /// || I2OSP(len(Context), 1) || Context (RFC 9807 §6.4.2). Derive-Secret uses Length = Nx.
    /// </summary>
    public static void ExpandLabel(ReadOnlySpan<byte> secret, ReadOnlySpan<byte> label, ReadOnlySpan<byte> context, Span<byte> output)
    {
        ReadOnlySpan<byte> prefix = OpaqueLabels.ExpandLabelPrefix;
        int labelLength = prefix.Length + label.Length;
        if (labelLength > 255 || context.Length > 255)
            throw new ArgumentException("Expand-Label label or context longer than 255 bytes.");
        Span<byte> info = stackalloc byte[2 + 1 + labelLength + 1 + context.Length];
        BinaryPrimitives.WriteUInt16BigEndian(info, checked((ushort)output.Length));
        info[2] = (byte)labelLength;
        prefix.CopyTo(info[3..]);
        label.CopyTo(info[(3 + prefix.Length)..]);
        info[3 + labelLength] = (byte)context.Length;
        context.CopyTo(info[(4 + labelLength)..]);
        Expand(secret, info, output);
    }
}
