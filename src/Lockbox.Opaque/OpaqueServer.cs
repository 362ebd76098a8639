using System.Security.Cryptography;
using Lockbox.Opaque.Internal;

namespace Lockbox.Opaque;

/// <summary>
/// The server side of OPAQUE-3DH (RFC 9807 §5.2.2, §6.2.2, §6.4.4), ristretto255-SHA512. It does no I/O
/// and keeps no state between calls: the caller stores records and the <see cref="ServerLoginState"/>.
/// <para>
/// Per-account OPRF keys: every method takes either the server-wide <see cref="OprfSeed"/> and the
/// credential identifier, or the already derived 32-byte per-account seed
/// (Expand(oprf_seed, credential_identifier || "OprfKey", 32)), so the vault can compute that seed
/// inside an HSM (<see cref="OprfSeed.KeySeedHmacInput"/>).
/// </para>
/// <para>
/// Unknown accounts: pass a null record (or <see cref="CreateFakeRecord(ReadOnlySpan{byte})"/>) with the seed
/// for the requested credential identifier; the KE2 then looks like a real one (RFC 9807 §10.9), and costs
/// the same to compute (no extra scalar multiplication on the fake path).
/// </para>
/// </summary>
public sealed class OpaqueServer
{
    private readonly ServerKeyPair _keyPair;
    private readonly OpaqueConfiguration _configuration;
    private readonly byte[] _fakeClientPublicKey = new byte[OpaqueSizes.Npk];

    public OpaqueServer(ServerKeyPair keyPair, OpaqueConfiguration? configuration = null)
    {
        ArgumentNullException.ThrowIfNull(keyPair);
        _keyPair = keyPair;
        _configuration = configuration ?? OpaqueConfiguration.Default;

        // RFC 9807 §6.3.2.2 lets the fake client key pair be fixed per server (opaque-ke keeps one in its
        // ServerSetup). Deriving it from the server key makes it identical on every replica and costs nothing per login.
        Span<byte> mac = stackalloc byte[OpaqueSizes.Nh];
        Span<byte> fakePrivateKey = stackalloc byte[OpaqueSizes.Nsk];
        try
        {
            Kdf.Mac(keyPair.PrivateKey, OpaqueLabels.FakeClientKey, mac);
            Oprf.DeriveKeyPair(mac[..OpaqueSizes.Nseed], OpaqueLabels.OpaqueDeriveDiffieHellmanKeyPair, fakePrivateKey, _fakeClientPublicKey);
        }
        finally
        {
            CryptographicOperations.ZeroMemory(mac);
            CryptographicOperations.ZeroMemory(fakePrivateKey);
        }
    }

    /// <summary>The server's long-term public key (server_public_key).</summary>
    public ReadOnlySpan<byte> PublicKey => _keyPair.PublicKey;

    internal OpaqueTrace? Trace { get; set; }

    /// <summary>
    /// The fake record for an unknown account (RFC 9807 §6.3.2.2): this server's fixed fake client public key,
    /// the given 64-byte fake masking key (fresh random per request) and an all-zero envelope. It does the same
    /// element check as parsing a stored record, so both paths to GenerateKE2 cost the same.
    /// </summary>
    public RegistrationRecord CreateFakeRecord(ReadOnlySpan<byte> fakeMaskingKey) =>
        RegistrationRecord.CreateFake(_fakeClientPublicKey, fakeMaskingKey);

    /// <summary>The fake record with a fresh random masking key.</summary>
    public RegistrationRecord CreateFakeRecord()
    {
        Span<byte> maskingKey = stackalloc byte[OpaqueSizes.Nh];
        try
        {
            RandomNumberGenerator.Fill(maskingKey);
            return CreateFakeRecord(maskingKey);
        }
        finally
        {
            CryptographicOperations.ZeroMemory(maskingKey);
        }
    }

    /// <summary>CreateRegistrationResponse with the per-account OPRF key seed (32 bytes).</summary>
    public RegistrationResponse CreateRegistrationResponse(RegistrationRequest request, ReadOnlySpan<byte> oprfKeySeed)
    {
        ArgumentNullException.ThrowIfNull(request);
        byte[] response = new byte[RegistrationResponse.Size];
        Evaluate(oprfKeySeed, request.BlindedMessage, response.AsSpan(0, OpaqueSizes.Noe));
        PublicKey.CopyTo(response.AsSpan(OpaqueSizes.Noe));
        return RegistrationResponse.FromValidated(response);
    }

    /// <summary>CreateRegistrationResponse(request, server_public_key, credential_identifier, oprf_seed).</summary>
    public RegistrationResponse CreateRegistrationResponse(RegistrationRequest request, OprfSeed oprfSeed, ReadOnlySpan<byte> credentialIdentifier)
    {
        ArgumentNullException.ThrowIfNull(oprfSeed);
        Span<byte> keySeed = stackalloc byte[OpaqueSizes.Nok];
        try
        {
            oprfSeed.DeriveKeySeed(credentialIdentifier, keySeed);
            return CreateRegistrationResponse(request, keySeed);
        }
        finally
        {
            CryptographicOperations.ZeroMemory(keySeed);
        }
    }

    /// <summary>GenerateKE2 with fresh randomness; a null record answers with a fake one.</summary>
    public KE2 GenerateKE2(KE1 ke1, RegistrationRecord? record, ReadOnlySpan<byte> oprfKeySeed, out ServerLoginState state, OpaqueIdentities? identities = null)
    {
        Span<byte> random = stackalloc byte[OpaqueSizes.Nn + OpaqueSizes.Nn + OpaqueSizes.Nseed];
        try
        {
            RandomNumberGenerator.Fill(random);
            return GenerateKE2(
                ke1,
                record ?? CreateFakeRecord(),
                oprfKeySeed,
                random[..OpaqueSizes.Nn],
                random.Slice(OpaqueSizes.Nn, OpaqueSizes.Nn),
                random[(2 * OpaqueSizes.Nn)..],
                out state,
                identities);
        }
        finally
        {
            CryptographicOperations.ZeroMemory(random);
        }
    }

    /// <summary>GenerateKE2 deriving the per-account seed from the server-wide OPRF seed.</summary>
    public KE2 GenerateKE2(KE1 ke1, RegistrationRecord? record, OprfSeed oprfSeed, ReadOnlySpan<byte> credentialIdentifier, out ServerLoginState state, OpaqueIdentities? identities = null)
    {
        ArgumentNullException.ThrowIfNull(oprfSeed);
        Span<byte> keySeed = stackalloc byte[OpaqueSizes.Nok];
        try
        {
            oprfSeed.DeriveKeySeed(credentialIdentifier, keySeed);
            return GenerateKE2(ke1, record, keySeed, out state, identities);
        }
        finally
        {
            CryptographicOperations.ZeroMemory(keySeed);
        }
    }

    /// <summary>
    /// GenerateKE2 with explicit randomness (RFC vectors, deterministic replicas): masking_nonce (32),
    /// server_nonce (32), server_keyshare_seed (32). Never reuse them across logins.
    /// </summary>
    public KE2 GenerateKE2(
        KE1 ke1,
        RegistrationRecord record,
        ReadOnlySpan<byte> oprfKeySeed,
        ReadOnlySpan<byte> maskingNonce,
        ReadOnlySpan<byte> serverNonce,
        ReadOnlySpan<byte> serverKeyshareSeed,
        out ServerLoginState state,
        OpaqueIdentities? identities = null)
    {
        ArgumentNullException.ThrowIfNull(ke1);
        ArgumentNullException.ThrowIfNull(record);
        Wire.RequireLength(maskingNonce, OpaqueSizes.Nn, nameof(maskingNonce));
        Wire.RequireLength(serverNonce, OpaqueSizes.Nn, nameof(serverNonce));
        Wire.RequireLength(serverKeyshareSeed, OpaqueSizes.Nseed, nameof(serverKeyshareSeed));

        byte[] ke2 = new byte[KE2.Size];
        Span<byte> serverKeyshareSecret = stackalloc byte[OpaqueSizes.Nsk];
        Span<byte> ikm = stackalloc byte[3 * OpaqueSizes.Npk];
        Span<byte> expectedClientMac = stackalloc byte[OpaqueSizes.Nm];
        Span<byte> sessionKey = stackalloc byte[OpaqueSizes.Nx];
        try
        {
            // CreateCredentialResponse (§5.3.1): evaluated_message || masking_nonce || masked_response.
            Span<byte> credentialResponse = ke2.AsSpan(0, CredentialResponse.Size);
            Evaluate(oprfKeySeed, ke1.BlindedMessage, credentialResponse[..OpaqueSizes.Noe]);
            maskingNonce.CopyTo(credentialResponse[OpaqueSizes.Noe..]);
            Span<byte> masked = credentialResponse[(OpaqueSizes.Noe + OpaqueSizes.Nn)..];
            Kdf.Expand(record.MaskingKey, maskingNonce, OpaqueLabels.CredentialResponsePad, masked);
            Xor(masked[..OpaqueSizes.Npk], PublicKey);
            Xor(masked[OpaqueSizes.Npk..], record.Envelope);

            // AuthServerRespond (§6.4.4).
            serverNonce.CopyTo(ke2.AsSpan(CredentialResponse.Size));
            Span<byte> serverKeyshare = ke2.AsSpan(CredentialResponse.Size + OpaqueSizes.Nn, OpaqueSizes.Npk);
            Oprf.DeriveKeyPair(serverKeyshareSeed, OpaqueLabels.OpaqueDeriveDiffieHellmanKeyPair, serverKeyshareSecret, serverKeyshare);

            ReadOnlySpan<byte> clientIdentity = OpaqueIdentities.ClientOr(identities, record.ClientPublicKey);
            ReadOnlySpan<byte> serverIdentity = OpaqueIdentities.ServerOr(identities, PublicKey);
            using IncrementalHash preamble = ThreeDh.Preamble(
                _configuration.Context, clientIdentity, ke1.Bytes, serverIdentity, ke2.AsSpan(0, ThreeDh.Ke2MacOffset));

            // The KE1 and record elements were validated at parse, so no product below is the identity.
            bool ok = ThreeDh.Dh(serverKeyshareSecret, ke1.ClientPublicKeyshare, ikm[..32])
                & ThreeDh.Dh(_keyPair.PrivateKey, ke1.ClientPublicKeyshare, ikm[32..64])
                & ThreeDh.Dh(serverKeyshareSecret, record.ClientPublicKey, ikm[64..]);
            if (!ok)
                throw new OpaqueProtocolException(OpaqueError.IdentityElement, "A 3DH shared secret is the identity element.");

            ThreeDh.Complete(ikm, preamble, ke2.AsSpan(ThreeDh.Ke2MacOffset), expectedClientMac, sessionKey, Trace);
            state = ServerLoginState.Create(expectedClientMac, sessionKey);
            return KE2.FromValidated(ke2);
        }
        finally
        {
            CryptographicOperations.ZeroMemory(serverKeyshareSecret);
            CryptographicOperations.ZeroMemory(ikm);
            CryptographicOperations.ZeroMemory(expectedClientMac);
            CryptographicOperations.ZeroMemory(sessionKey);
        }
    }

    /// <summary>
    /// ServerFinish (§6.4.4): true and the session key when KE3 carries the expected client MAC
    /// (compared in constant time); false otherwise (wrong password, another session's KE3, tampering).
    /// </summary>
    public static bool ServerFinish(ServerLoginState state, KE3 ke3, Span<byte> sessionKey)
    {
        ArgumentNullException.ThrowIfNull(state);
        ArgumentNullException.ThrowIfNull(ke3);
        Wire.RequireLength(sessionKey, OpaqueSizes.Nx, nameof(sessionKey));
        if (!CryptographicOperations.FixedTimeEquals(state.ExpectedClientMac, ke3.ClientMac))
        {
            sessionKey.Clear();
            return false;
        }
        state.SessionKey.CopyTo(sessionKey);
        return true;
    }

    /// <summary>ServerFinish returning the session key, or null when the client's MAC does not verify.</summary>
    public static byte[]? ServerFinish(ServerLoginState state, KE3 ke3)
    {
        byte[] sessionKey = new byte[OpaqueSizes.Nx];
        return ServerFinish(state, ke3, sessionKey) ? sessionKey : null;
    }

    private void Evaluate(ReadOnlySpan<byte> oprfKeySeed, ReadOnlySpan<byte> blindedMessage, Span<byte> evaluated)
    {
        Wire.RequireLength(oprfKeySeed, OpaqueSizes.Nok, nameof(oprfKeySeed));
        Span<byte> oprfKey = stackalloc byte[OpaqueSizes.Nsk];
        try
        {
            Oprf.DerivePrivateKey(oprfKeySeed, OpaqueLabels.OpaqueDeriveKeyPair, oprfKey);
            Trace?.Invoke("oprf_key", oprfKey);
            Oprf.BlindEvaluate(oprfKey, blindedMessage, evaluated);
        }
        finally
        {
            CryptographicOperations.ZeroMemory(oprfKey);
        }
    }

    private static void Xor(Span<byte> target, ReadOnlySpan<byte> with)
    {
        for (int i = 0; i < target.Length; i++)
            target[i] ^= with[i];
    }
}
