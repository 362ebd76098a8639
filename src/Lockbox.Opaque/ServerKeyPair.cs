using System.Security.Cryptography;
using Lockbox.Opaque.Internal;

namespace Lockbox.Opaque;

/// <summary>
/// The server's long-term AKE key pair (ristretto255). The client learns the public key at registration
/// and, through the envelope, checks it at every login. Dispose zeroes the private key.
/// </summary>
public sealed class ServerKeyPair : IDisposable
{
    /// <summary>Size of the private key (a scalar) and of the public key (an element).</summary>
    public const int KeySize = 32;

    private readonly byte[] _privateKey;
    private readonly byte[] _publicKey;
    private bool _disposed;

    private ServerKeyPair(byte[] privateKey, byte[] publicKey)
    {
        _privateKey = privateKey;
        _publicKey = publicKey;
    }

    /// <summary>The public key (32 bytes).</summary>
    public ReadOnlySpan<byte> PublicKey => _publicKey;

    internal ReadOnlySpan<byte> PrivateKey
    {
        get
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            return _privateKey;
        }
    }

    /// <summary>A fresh key pair: DeriveDiffieHellmanKeyPair of a random seed (RFC 9807 §6.4.1).</summary>
    public static ServerKeyPair Generate()
    {
        Span<byte> seed = stackalloc byte[OpaqueSizes.Nseed];
        try
        {
            RandomNumberGenerator.Fill(seed);
            return DeriveFromSeed(seed);
        }
        finally
        {
            CryptographicOperations.ZeroMemory(seed);
        }
    }

    /// <summary>DeriveDiffieHellmanKeyPair(seed): the key pair a 32-byte seed determines.</summary>
    public static ServerKeyPair DeriveFromSeed(ReadOnlySpan<byte> seed)
    {
        Wire.RequireLength(seed, OpaqueSizes.Nseed, nameof(seed));
        byte[] privateKey = new byte[KeySize];
        byte[] publicKey = new byte[KeySize];
        Oprf.DeriveKeyPair(seed, OpaqueLabels.OpaqueDeriveDiffieHellmanKeyPair, privateKey, publicKey);
        return new ServerKeyPair(privateKey, publicKey);
    }

    /// <summary>
    /// Imports a private key (a canonical, non-zero scalar). Throws <see cref="OpaqueProtocolException"/>
    /// (<see cref="OpaqueError.InvalidScalar"/> or <see cref="OpaqueError.InvalidLength"/>) otherwise.
    /// </summary>
    public static ServerKeyPair FromPrivateKey(ReadOnlySpan<byte> privateKey)
    {
        Wire.ThrowIfError(Wire.CheckScalar(privateKey, "server private key"));
        byte[] publicKey = new byte[KeySize];
        _ = Cryptography.Sodium.Ristretto255.TryScalarMultBase(privateKey, publicKey);
        return new ServerKeyPair(privateKey.ToArray(), publicKey);
    }

    /// <summary>Copies the private key out, for sealed storage by the vault.</summary>
    public void ExportPrivateKey(Span<byte> destination)
    {
        Wire.RequireLength(destination, KeySize, nameof(destination));
        PrivateKey.CopyTo(destination);
    }

    public void Dispose()
    {
        CryptographicOperations.ZeroMemory(_privateKey);
        _disposed = true;
    }

    public override string ToString() => $"ServerKeyPair (public {Convert.ToHexStringLower(_publicKey)})";
}
