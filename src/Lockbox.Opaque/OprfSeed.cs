using System.Security.Cryptography;
using Lockbox.Opaque.Internal;

namespace Lockbox.Opaque;

/// <summary>
/// The server-wide OPRF seed (Nh = 64 bytes, RFC 9807 §5.1) from which every account's OPRF key derives:
/// seed = Expand(oprf_seed, credential_identifier || "OprfKey", Nok), then
/// (oprf_key, _) = DeriveKeyPair(seed, "OPAQUE-DeriveKeyPair").
/// Expand with Nok = 32 &lt; 64 is one HMAC-SHA512 block: HMAC(oprf_seed, info || 0x01), first 32 bytes,
/// so an HSM holding oprf_seed as a non-extractable HMAC key can compute the per-account seed itself
/// (<see cref="KeySeedHmacInput"/>); the server methods then take that 32-byte seed.
/// </summary>
public sealed class OprfSeed : IDisposable
{
    /// <summary>Size of the server-wide seed.</summary>
    public const int Size = OpaqueSizes.OprfSeed;

    /// <summary>Size of the per-account OPRF key seed (Nok).</summary>
    public const int KeySeedSize = OpaqueSizes.Nok;

    private readonly byte[] _seed;
    private bool _disposed;

    private OprfSeed(byte[] seed)
    {
        _seed = seed;
    }

    /// <summary>A fresh random seed.</summary>
    public static OprfSeed Generate() => new(RandomNumberGenerator.GetBytes(Size));

    /// <summary>Imports 64 seed bytes.</summary>
    public static OprfSeed FromBytes(ReadOnlySpan<byte> seed)
    {
        Wire.RequireLength(seed, Size, nameof(seed));
        return new OprfSeed(seed.ToArray());
    }

    /// <summary>Copies the seed out, for sealed storage.</summary>
    public void Export(Span<byte> destination)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        Wire.RequireLength(destination, Size, nameof(destination));
        _seed.CopyTo(destination);
    }

    /// <summary>The per-account seed: Expand(oprf_seed, credential_identifier || "OprfKey", 32).</summary>
    public void DeriveKeySeed(ReadOnlySpan<byte> credentialIdentifier, Span<byte> keySeed)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        Wire.RequireLength(keySeed, KeySeedSize, nameof(keySeed));
        Kdf.Expand(_seed, credentialIdentifier, OpaqueLabels.OprfKey, keySeed);
    }

    /// <summary>
    /// The message an HSM MACs to get the per-account seed: credential_identifier || "OprfKey" || 0x01.
    /// The seed is the first 32 bytes of HMAC-SHA512(oprf_seed, this).
    /// </summary>
    public static byte[] KeySeedHmacInput(ReadOnlySpan<byte> credentialIdentifier)
    {
        ReadOnlySpan<byte> label = OpaqueLabels.OprfKey;
        byte[] input = new byte[credentialIdentifier.Length + label.Length + 1];
        credentialIdentifier.CopyTo(input);
        label.CopyTo(input.AsSpan(credentialIdentifier.Length));
        input[^1] = 0x01;
        return input;
    }

    public void Dispose()
    {
        CryptographicOperations.ZeroMemory(_seed);
        _disposed = true;
    }

    public override string ToString() => "OprfSeed";
}
