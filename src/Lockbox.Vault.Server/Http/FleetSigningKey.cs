using System.Security.Cryptography;
using Lockbox.Cryptography;
using Lockbox.Cryptography.Sodium;

namespace Lockbox.Vault.Server.Http;

/// <summary>
/// The fleet's Ed25519 signing key in process memory (sealed by the HSM at rest, like the OPAQUE AKE key:
/// Ed25519 is not a mechanism every PKCS#11 token offers). Signs the transcript of every answer the device
/// acts on (<see cref="VaultSigning"/>). The key is expanded once, not at every answer; Dispose zeroes it.
/// </summary>
internal sealed class FleetSigningKey : IDisposable
{
    private readonly byte[] _expanded = new byte[Ed25519.ExpandedKeySize];

    public FleetSigningKey(ReadOnlySpan<byte> seed)
    {
        if (seed.Length != Ed25519.SeedSize) throw new ArgumentException($"An Ed25519 seed is {Ed25519.SeedSize} bytes.", nameof(seed));
        Ed25519.Expand(seed, _expanded);
        PublicKey = Ed25519.PublicKeyFromSeed(seed);
        Text = VaultSigning.FormatFleetKey(PublicKey);
    }

    /// <summary>The public key devices pin.</summary>
    public byte[] PublicKey { get; }

    /// <summary>The pinned form, <c>lbfk1.</c>…</summary>
    public string Text { get; }

    public byte[] Sign(ReadOnlySpan<byte> transcript)
    {
        byte[] signature = new byte[Ed25519.SignatureSize];
        Ed25519.SignExpanded(_expanded, transcript, signature);
        return signature;
    }

    public void Dispose() => CryptographicOperations.ZeroMemory(_expanded);

    public override string ToString() => $"FleetSigningKey({Text})";
}
