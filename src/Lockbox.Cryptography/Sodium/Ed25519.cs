using System.Security.Cryptography;

namespace Lockbox.Cryptography.Sodium;

/// <summary>
/// Ed25519 signatures (RFC 8032, PureEdDSA) through libsodium. The private key is the 32-byte seed;
/// the 64-byte expanded key libsodium signs with lives for one call (<see cref="Sign(ReadOnlySpan{byte}, ReadOnlySpan{byte}, Span{byte})"/>)
/// or, for a long-lived signer, as long as its owner keeps it (<see cref="Expand"/>, <see cref="SignExpanded"/>), and is wiped after.
/// Verification is libsodium's strict one (canonical encodings, small-order keys refused). A failed
/// verification is <c>false</c>, never an exception; wrong-length spans are caller bugs (<see cref="ArgumentException"/>).
/// </summary>
public static class Ed25519
{
    /// <summary>Size of the private seed.</summary>
    public const int SeedSize = 32;

    /// <summary>Size of an encoded public key.</summary>
    public const int PublicKeySize = 32;

    /// <summary>Size of a signature.</summary>
    public const int SignatureSize = 64;

    /// <summary>Size of the expanded signing key (<see cref="Expand"/>).</summary>
    public const int ExpandedKeySize = 64;

    static Ed25519()
    {
        if (SodiumNative.sodium_init() < 0)
            throw new InvalidOperationException("libsodium failed to initialize.");
    }

    /// <summary>A fresh seed from the CSPRNG.</summary>
    public static byte[] GenerateSeed() => RandomNumberGenerator.GetBytes(SeedSize);

    /// <summary>Writes the public key of <paramref name="seed"/>.</summary>
    public static unsafe void PublicKeyFromSeed(ReadOnlySpan<byte> seed, Span<byte> publicKey)
    {
        Check(seed, SeedSize, nameof(seed));
        Check(publicKey, PublicKeySize, nameof(publicKey));
        Span<byte> expanded = stackalloc byte[ExpandedKeySize];
        try
        {
            fixed (byte* s = seed)
            fixed (byte* pk = publicKey)
            fixed (byte* sk = expanded)
                if (SodiumNative.crypto_sign_ed25519_seed_keypair(pk, sk, s) != 0)
                    throw new CryptographicException("Ed25519 key derivation failed.");
        }
        finally
        {
            CryptographicOperations.ZeroMemory(expanded);
        }
    }

    /// <summary>The public key of <paramref name="seed"/>.</summary>
    public static byte[] PublicKeyFromSeed(ReadOnlySpan<byte> seed)
    {
        byte[] publicKey = new byte[PublicKeySize];
        PublicKeyFromSeed(seed, publicKey);
        return publicKey;
    }

    /// <summary>Signs <paramref name="message"/> with the key of <paramref name="seed"/> (deterministic, RFC 8032 §5.1.6).</summary>
    public static void Sign(ReadOnlySpan<byte> seed, ReadOnlySpan<byte> message, Span<byte> signature)
    {
        Span<byte> expanded = stackalloc byte[ExpandedKeySize];
        try
        {
            Expand(seed, expanded);
            SignExpanded(expanded, message, signature);
        }
        finally
        {
            CryptographicOperations.ZeroMemory(expanded);
        }
    }

    /// <summary>
    /// Writes libsodium's 64-byte signing key for <paramref name="seed"/> (the seed followed by its public key), so a
    /// long-lived signer derives it once instead of at every <see cref="SignExpanded"/>; the caller wipes it.
    /// </summary>
    public static unsafe void Expand(ReadOnlySpan<byte> seed, Span<byte> expandedKey)
    {
        Check(seed, SeedSize, nameof(seed));
        Check(expandedKey, ExpandedKeySize, nameof(expandedKey));
        Span<byte> publicKey = stackalloc byte[PublicKeySize];
        fixed (byte* s = seed)
        fixed (byte* pk = publicKey)
        fixed (byte* sk = expandedKey)
            if (SodiumNative.crypto_sign_ed25519_seed_keypair(pk, sk, s) != 0)
                throw new CryptographicException("Ed25519 key derivation failed.");
    }

    /// <summary>Signs <paramref name="message"/> with a key made by <see cref="Expand"/>.</summary>
    public static unsafe void SignExpanded(ReadOnlySpan<byte> expandedKey, ReadOnlySpan<byte> message, Span<byte> signature)
    {
        Check(expandedKey, ExpandedKeySize, nameof(expandedKey));
        Check(signature, SignatureSize, nameof(signature));
        fixed (byte* sk = expandedKey)
        fixed (byte* m = message)
        fixed (byte* sig = signature)
            if (SodiumNative.crypto_sign_ed25519_detached(sig, null, m, (ulong)message.Length, sk) != 0)
                throw new CryptographicException("Ed25519 signing failed.");
    }

    /// <summary>Signs <paramref name="message"/>; returns the 64-byte signature.</summary>
    public static byte[] Sign(ReadOnlySpan<byte> seed, ReadOnlySpan<byte> message)
    {
        byte[] signature = new byte[SignatureSize];
        Sign(seed, message, signature);
        return signature;
    }

    /// <summary>True when <paramref name="signature"/> is a valid signature of <paramref name="message"/> under <paramref name="publicKey"/>.</summary>
    public static unsafe bool Verify(ReadOnlySpan<byte> publicKey, ReadOnlySpan<byte> message, ReadOnlySpan<byte> signature)
    {
        Check(publicKey, PublicKeySize, nameof(publicKey));
        if (signature.Length != SignatureSize) return false;
        fixed (byte* pk = publicKey)
        fixed (byte* m = message)
        fixed (byte* sig = signature)
            return SodiumNative.crypto_sign_ed25519_verify_detached(sig, m, (ulong)message.Length, pk) == 0;
    }

    private static void Check(ReadOnlySpan<byte> span, int size, string name)
    {
        if (span.Length != size) throw new ArgumentException($"Expected {size} bytes, got {span.Length}.", name);
    }
}
