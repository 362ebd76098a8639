using System.Security.Cryptography;

namespace Lockbox.Cryptography;

/// <summary>
/// AES-256-GCM with a random 96-bit nonce, laid out as nonce || ciphertext || tag.
/// Every key Lockbox uses with it is derived per purpose (and per pack), which keeps the number of
/// messages under one key far below the random-nonce limit. Opening never returns unauthenticated bytes.
/// </summary>
public static class Aead
{
    public const int KeySize = 32;
    public const int NonceSize = 12;
    public const int TagSize = 16;
    public const int Overhead = NonceSize + TagSize;

    /// <summary>Encrypts <paramref name="plaintext"/> into <paramref name="sealedOutput"/> (plaintext length + <see cref="Overhead"/>).</summary>
    public static void Seal(ReadOnlySpan<byte> key, ReadOnlySpan<byte> plaintext, ReadOnlySpan<byte> associatedData, Span<byte> sealedOutput)
    {
        if (sealedOutput.Length != plaintext.Length + Overhead)
            throw new ArgumentException("Output must be plaintext length + Aead.Overhead.", nameof(sealedOutput));
        Span<byte> nonce = stackalloc byte[NonceSize];
        RandomNumberGenerator.Fill(nonce);
        Seal(key, nonce, plaintext, associatedData, sealedOutput);
    }

    /// <summary>
    /// Encrypts under a caller-chosen nonce, for a deterministic state machine that draws its randomness
    /// once and logs it. The caller guarantees the nonce is never reused under the same key.
    /// </summary>
    public static void Seal(ReadOnlySpan<byte> key, ReadOnlySpan<byte> nonce, ReadOnlySpan<byte> plaintext, ReadOnlySpan<byte> associatedData, Span<byte> sealedOutput)
    {
        if (nonce.Length != NonceSize)
            throw new ArgumentException($"Nonce must be {NonceSize} bytes.", nameof(nonce));
        if (sealedOutput.Length != plaintext.Length + Overhead)
            throw new ArgumentException("Output must be plaintext length + Aead.Overhead.", nameof(sealedOutput));
        nonce.CopyTo(sealedOutput);
        using var gcm = new AesGcm(key, TagSize);
        gcm.Encrypt(nonce, plaintext, sealedOutput.Slice(NonceSize, plaintext.Length), sealedOutput[^TagSize..], associatedData);
    }

    /// <summary>Encrypts into a new array.</summary>
    public static byte[] Seal(ReadOnlySpan<byte> key, ReadOnlySpan<byte> plaintext, ReadOnlySpan<byte> associatedData = default)
    {
        byte[] output = new byte[plaintext.Length + Overhead];
        Seal(key, plaintext, associatedData, output);
        return output;
    }

    /// <summary>
    /// Decrypts and authenticates. Returns false (and clears <paramref name="plaintext"/>) when the
    /// input is too short, was tampered with, or was sealed under another key or associated data.
    /// </summary>
    public static bool TryOpen(ReadOnlySpan<byte> key, ReadOnlySpan<byte> sealedInput, ReadOnlySpan<byte> associatedData, Span<byte> plaintext)
    {
        if (sealedInput.Length < Overhead || plaintext.Length != sealedInput.Length - Overhead)
        {
            plaintext.Clear();
            return false;
        }
        using var gcm = new AesGcm(key, TagSize);
        try
        {
            gcm.Decrypt(sealedInput[..NonceSize], sealedInput[NonceSize..^TagSize], sealedInput[^TagSize..], plaintext, associatedData);
            return true;
        }
        catch (AuthenticationTagMismatchException)
        {
            plaintext.Clear();
            return false;
        }
    }

    /// <summary>Decrypts into a new array, or returns null when authentication fails.</summary>
    public static byte[]? Open(ReadOnlySpan<byte> key, ReadOnlySpan<byte> sealedInput, ReadOnlySpan<byte> associatedData = default)
    {
        if (sealedInput.Length < Overhead) return null;
        byte[] plaintext = new byte[sealedInput.Length - Overhead];
        return TryOpen(key, sealedInput, associatedData, plaintext) ? plaintext : null;
    }
}
