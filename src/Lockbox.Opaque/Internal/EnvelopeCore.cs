using System.Buffers.Binary;
using System.Security.Cryptography;

namespace Lockbox.Opaque.Internal;

/// <summary>RFC 9807 §4.1.2 and §5.2: randomized password, envelope Store and Recover, CleartextCredentials.</summary>
internal static class EnvelopeCore
{
    /// <summary>randomized_password = Extract("", oprf_output || Stretch(oprf_output)).</summary>
    public static void RandomizedPassword(KeyStretching ksf, ReadOnlySpan<byte> oprfOutput, Span<byte> randomizedPassword)
    {
        Span<byte> ikm = stackalloc byte[OpaqueSizes.Nh * 2];
        try
        {
            oprfOutput.CopyTo(ikm);
            ksf.Stretch(oprfOutput, ikm[OpaqueSizes.Nh..]);
            Kdf.Extract([], ikm, randomizedPassword);
        }
        finally
        {
            CryptographicOperations.ZeroMemory(ikm);
        }
    }

    /// <summary>masking_key = Expand(randomized_password, "MaskingKey", Nh).</summary>
    public static void MaskingKey(ReadOnlySpan<byte> randomizedPassword, Span<byte> maskingKey) =>
        Kdf.Expand(randomizedPassword, OpaqueLabels.MaskingKey, maskingKey);

    /// <summary>
    /// Store: envelope = envelope_nonce || MAC(auth_key, envelope_nonce || cleartext_credentials), and the
    /// client public key and export key the randomized password and nonce determine.
    /// </summary>
    public static void Store(
        ReadOnlySpan<byte> randomizedPassword,
        ReadOnlySpan<byte> serverPublicKey,
        OpaqueIdentities? identities,
        ReadOnlySpan<byte> envelopeNonce,
        Span<byte> envelope,
        Span<byte> clientPublicKey,
        Span<byte> exportKey,
        OpaqueTrace? trace)
    {
        Span<byte> authKey = stackalloc byte[OpaqueSizes.Nh];
        Span<byte> clientPrivateKey = stackalloc byte[OpaqueSizes.Nsk];
        try
        {
            DeriveEnvelopeKeys(randomizedPassword, envelopeNonce, authKey, exportKey, clientPrivateKey, clientPublicKey);
            trace?.Invoke("auth_key", authKey);
            envelopeNonce.CopyTo(envelope);
            AuthTag(authKey, envelopeNonce, serverPublicKey, clientPublicKey, identities, envelope[OpaqueSizes.Nn..]);
        }
        finally
        {
            CryptographicOperations.ZeroMemory(authKey);
            CryptographicOperations.ZeroMemory(clientPrivateKey);
        }
    }

    /// <summary>Recover: re-derives the client key pair and export key; false when the auth tag does not match.</summary>
    public static bool Recover(
        ReadOnlySpan<byte> randomizedPassword,
        ReadOnlySpan<byte> serverPublicKey,
        ReadOnlySpan<byte> envelope,
        OpaqueIdentities? identities,
        Span<byte> clientPrivateKey,
        Span<byte> clientPublicKey,
        Span<byte> exportKey)
    {
        ReadOnlySpan<byte> nonce = envelope[..OpaqueSizes.Nn];
        Span<byte> authKey = stackalloc byte[OpaqueSizes.Nh];
        Span<byte> expectedTag = stackalloc byte[OpaqueSizes.Nm];
        try
        {
            DeriveEnvelopeKeys(randomizedPassword, nonce, authKey, exportKey, clientPrivateKey, clientPublicKey);
            AuthTag(authKey, nonce, serverPublicKey, clientPublicKey, identities, expectedTag);
            if (CryptographicOperations.FixedTimeEquals(expectedTag, envelope[OpaqueSizes.Nn..]))
                return true;
            CryptographicOperations.ZeroMemory(clientPrivateKey);
            CryptographicOperations.ZeroMemory(exportKey);
            return false;
        }
        finally
        {
            CryptographicOperations.ZeroMemory(authKey);
            CryptographicOperations.ZeroMemory(expectedTag);
        }
    }

    private static void DeriveEnvelopeKeys(
        ReadOnlySpan<byte> randomizedPassword,
        ReadOnlySpan<byte> nonce,
        Span<byte> authKey,
        Span<byte> exportKey,
        Span<byte> clientPrivateKey,
        Span<byte> clientPublicKey)
    {
        Span<byte> seed = stackalloc byte[OpaqueSizes.Nseed];
        try
        {
            Kdf.Expand(randomizedPassword, nonce, OpaqueLabels.AuthKey, authKey);
            Kdf.Expand(randomizedPassword, nonce, OpaqueLabels.ExportKey, exportKey);
            Kdf.Expand(randomizedPassword, nonce, OpaqueLabels.PrivateKey, seed);
            Oprf.DeriveKeyPair(seed, OpaqueLabels.OpaqueDeriveDiffieHellmanKeyPair, clientPrivateKey, clientPublicKey);
        }
        finally
        {
            CryptographicOperations.ZeroMemory(seed);
        }
    }

    /// <summary>MAC(auth_key, envelope_nonce || server_public_key || I2OSP(len(server_identity), 2) || server_identity || I2OSP(len(client_identity), 2) || client_identity).</summary>
    private static void AuthTag(
        ReadOnlySpan<byte> authKey,
        ReadOnlySpan<byte> nonce,
        ReadOnlySpan<byte> serverPublicKey,
        ReadOnlySpan<byte> clientPublicKey,
        OpaqueIdentities? identities,
        Span<byte> tag)
    {
        ReadOnlySpan<byte> serverIdentity = OpaqueIdentities.ServerOr(identities, serverPublicKey);
        ReadOnlySpan<byte> clientIdentity = OpaqueIdentities.ClientOr(identities, clientPublicKey);
        Span<byte> length = stackalloc byte[2];
        using var hmac = IncrementalHash.CreateHMAC(HashAlgorithmName.SHA512, authKey);
        hmac.AppendData(nonce);
        hmac.AppendData(serverPublicKey);
        BinaryPrimitives.WriteUInt16BigEndian(length, (ushort)serverIdentity.Length);
        hmac.AppendData(length);
        hmac.AppendData(serverIdentity);
        BinaryPrimitives.WriteUInt16BigEndian(length, (ushort)clientIdentity.Length);
        hmac.AppendData(length);
        hmac.AppendData(clientIdentity);
        hmac.GetHashAndReset(tag);
    }
}
