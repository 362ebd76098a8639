using System.Security.Cryptography;
using Lockbox.Cryptography;
using Lockbox.Cryptography.Sodium;

namespace Lockbox.Vault.Server.Http;

/// <summary>
/// The fleet's Ed25519 signing key in process memory (sealed by the HSM at rest, like the OPAQUE AKE key:
/// Ed25519 is not a mechanism every PKCS#11 token offers). Signs the transcript of every answer the device
/// acts on (<see cref="VaultSigning"/>). Dispose zeroes the seed.
/// </summary>
internal sealed class FleetSigningKey : IDisposable
{
    private readonly byte[] _seed;

    public FleetSigningKey(ReadOnlySpan<byte> seed)
    {
        if (seed.Length != Ed25519.SeedSize) throw new ArgumentException($"An Ed25519 seed is {Ed25519.SeedSize} bytes.", nameof(seed));
        _seed = seed.ToArray();
        PublicKey = Ed25519.PublicKeyFromSeed(_seed);
        Text = VaultSigning.FormatFleetKey(PublicKey);
    }

    /// <summary>The public key devices pin.</summary>
    public byte[] PublicKey { get; }

    /// <summary>The pinned form, <c>lbfk1.</c>…</summary>
    public string Text { get; }

    public byte[] Sign(ReadOnlySpan<byte> transcript) => Ed25519.Sign(_seed, transcript);

    public void Dispose() => CryptographicOperations.ZeroMemory(_seed);

    public override string ToString() => $"FleetSigningKey({Text})";
}
