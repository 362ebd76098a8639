using System.Buffers.Binary;
using System.Security.Cryptography;

namespace Lockbox.Opaque.Internal;

/// <summary>RFC 9807 §6.4: the 3DH transcript (preamble) and key schedule shared by client and server.</summary>
internal static class ThreeDh
{
    /// <summary>Offset in KE2 where server_mac starts: credential_response || server_nonce || server_public_keyshare precede it.</summary>
    public const int Ke2MacOffset = CredentialResponse.Size + OpaqueSizes.Nn + OpaqueSizes.Npk;

    /// <summary>
    /// Starts SHA-512 over the preamble: "OPAQUEv1-" || I2OSP(len(context), 2) || context ||
    /// I2OSP(len(client_identity), 2) || client_identity || ke1 || I2OSP(len(server_identity), 2) ||
    /// server_identity || credential_response || server_nonce || server_public_keyshare.
    /// </summary>
    public static IncrementalHash Preamble(
        ReadOnlySpan<byte> context,
        ReadOnlySpan<byte> clientIdentity,
        ReadOnlySpan<byte> ke1,
        ReadOnlySpan<byte> serverIdentity,
        ReadOnlySpan<byte> ke2WithoutMac)
    {
        var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA512);
        Span<byte> length = stackalloc byte[2];
        hash.AppendData(OpaqueLabels.OpaqueV1);
        BinaryPrimitives.WriteUInt16BigEndian(length, (ushort)context.Length);
        hash.AppendData(length);
        hash.AppendData(context);
        BinaryPrimitives.WriteUInt16BigEndian(length, (ushort)clientIdentity.Length);
        hash.AppendData(length);
        hash.AppendData(clientIdentity);
        hash.AppendData(ke1);
        BinaryPrimitives.WriteUInt16BigEndian(length, (ushort)serverIdentity.Length);
        hash.AppendData(length);
        hash.AppendData(serverIdentity);
        hash.AppendData(ke2WithoutMac);
        return hash;
    }

    /// <summary>
    /// DeriveKeys(ikm, preamble) and both MACs: prk = Extract("", ikm); handshake_secret and session_key
    /// by Derive-Secret over Hash(preamble); Km2, Km3 by Derive-Secret over the handshake secret;
    /// server_mac = MAC(Km2, Hash(preamble)); client_mac = MAC(Km3, Hash(preamble || server_mac)).
    /// The preamble hash must not have been finalized; it is consumed.
    /// </summary>
    public static void Complete(
        ReadOnlySpan<byte> ikm,
        IncrementalHash preamble,
        Span<byte> serverMac,
        Span<byte> clientMac,
        Span<byte> sessionKey,
        OpaqueTrace? trace)
    {
        Span<byte> preambleHash = stackalloc byte[OpaqueSizes.Nh];
        Span<byte> prk = stackalloc byte[OpaqueSizes.Nx];
        Span<byte> handshakeSecret = stackalloc byte[OpaqueSizes.Nx];
        Span<byte> km2 = stackalloc byte[OpaqueSizes.Nx];
        Span<byte> km3 = stackalloc byte[OpaqueSizes.Nx];
        try
        {
            preamble.GetCurrentHash(preambleHash);
            Kdf.Extract([], ikm, prk);
            Kdf.ExpandLabel(prk, OpaqueLabels.HandshakeSecret, preambleHash, handshakeSecret);
            Kdf.ExpandLabel(prk, OpaqueLabels.SessionKey, preambleHash, sessionKey);
            Kdf.ExpandLabel(handshakeSecret, OpaqueLabels.ServerMac, [], km2);
            Kdf.ExpandLabel(handshakeSecret, OpaqueLabels.ClientMac, [], km3);
            trace?.Invoke("handshake_secret", handshakeSecret);
            trace?.Invoke("server_mac_key", km2);
            trace?.Invoke("client_mac_key", km3);
            Kdf.Mac(km2, preambleHash, serverMac);
            preamble.AppendData(serverMac);
            preamble.GetHashAndReset(preambleHash);
            Kdf.Mac(km3, preambleHash, clientMac);
        }
        finally
        {
            CryptographicOperations.ZeroMemory(prk);
            CryptographicOperations.ZeroMemory(handshakeSecret);
            CryptographicOperations.ZeroMemory(km2);
            CryptographicOperations.ZeroMemory(km3);
        }
    }

    /// <summary>dh = SerializeElement(scalar · element); false when the product is the identity.</summary>
    public static bool Dh(ReadOnlySpan<byte> scalar, ReadOnlySpan<byte> element, Span<byte> output) =>
        Cryptography.Sodium.Ristretto255.TryScalarMult(scalar, element, output);
}
