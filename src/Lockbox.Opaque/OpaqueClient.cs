using System.Security.Cryptography;
using Lockbox.Cryptography.Sodium;
using Lockbox.Opaque.Internal;

namespace Lockbox.Opaque;

/// <summary>
/// The client side of OPAQUE-3DH (RFC 9807 §5.2.1, §6.2.1, §6.4.3), ristretto255-SHA512, with the
/// configured key stretching function. No I/O. Registration: <see cref="CreateRegistrationRequest(ReadOnlySpan{byte})"/>
/// then <see cref="FinalizeRegistrationRequest(ClientRegistrationState, ReadOnlySpan{byte}, RegistrationResponse, OpaqueIdentities?)"/>.
/// Login: <see cref="GenerateKE1(ReadOnlySpan{byte})"/> then <see cref="GenerateKE3"/>.
/// </summary>
public sealed class OpaqueClient
{
    private readonly OpaqueConfiguration _configuration;

    public OpaqueClient(OpaqueConfiguration? configuration = null)
    {
        _configuration = configuration ?? OpaqueConfiguration.Default;
    }

    internal OpaqueTrace? Trace { get; set; }

    /// <summary>CreateRegistrationRequest(password) with a fresh random blind.</summary>
    public ClientRegistrationState CreateRegistrationRequest(ReadOnlySpan<byte> password)
    {
        Span<byte> blind = stackalloc byte[OpaqueSizes.Nsk];
        try
        {
            Oprf.RandomScalar(blind);
            return CreateRegistrationRequest(password, blind);
        }
        finally
        {
            CryptographicOperations.ZeroMemory(blind);
        }
    }

    /// <summary>CreateRegistrationRequest with an explicit blind (a canonical non-zero scalar).</summary>
    public ClientRegistrationState CreateRegistrationRequest(ReadOnlySpan<byte> password, ReadOnlySpan<byte> blind)
    {
        byte[] blinded = new byte[RegistrationRequest.Size];
        Oprf.Blind(password, blind, blinded);
        return new ClientRegistrationState(blind.ToArray(), RegistrationRequest.FromValidated(blinded));
    }

    /// <summary>FinalizeRegistrationRequest with a fresh random envelope nonce.</summary>
    public ClientRegistrationResult FinalizeRegistrationRequest(ClientRegistrationState state, ReadOnlySpan<byte> password, RegistrationResponse response, OpaqueIdentities? identities = null)
    {
        Span<byte> nonce = stackalloc byte[OpaqueSizes.Nn];
        RandomNumberGenerator.Fill(nonce);
        return FinalizeRegistrationRequest(state, password, response, nonce, identities);
    }

    /// <summary>
    /// FinalizeRegistrationRequest(password, blind, response, server_identity, client_identity) with an
    /// explicit envelope nonce (32 bytes): the record to upload and the export key.
    /// </summary>
    public ClientRegistrationResult FinalizeRegistrationRequest(
        ClientRegistrationState state,
        ReadOnlySpan<byte> password,
        RegistrationResponse response,
        ReadOnlySpan<byte> envelopeNonce,
        OpaqueIdentities? identities = null)
    {
        ArgumentNullException.ThrowIfNull(state);
        ArgumentNullException.ThrowIfNull(response);
        Wire.RequireLength(envelopeNonce, OpaqueSizes.Nn, nameof(envelopeNonce));
        state.Consume();
        // A server that echoes the blinded element back (a "reflected" evaluation) would make the OPRF
        // output a function of the password alone; opaque-ke refuses it, and so do we.
        if (CryptographicOperations.FixedTimeEquals(response.EvaluatedMessage, state.Request.BlindedMessage))
            throw new OpaqueProtocolException(OpaqueError.ReflectedElement, "RegistrationResponse evaluated_message equals the blinded message (reflected evaluation).");

        Span<byte> randomizedPassword = stackalloc byte[OpaqueSizes.Nx];
        byte[] record = new byte[RegistrationRecord.Size];
        byte[] exportKey = new byte[OpaqueSizes.Nh];
        try
        {
            RandomizedPassword(password, state.Blind, response.EvaluatedMessage, randomizedPassword);
            Span<byte> clientPublicKey = record.AsSpan(0, OpaqueSizes.Npk);
            Span<byte> maskingKey = record.AsSpan(OpaqueSizes.Npk, OpaqueSizes.Nh);
            Span<byte> envelope = record.AsSpan(OpaqueSizes.Npk + OpaqueSizes.Nh);
            EnvelopeCore.MaskingKey(randomizedPassword, maskingKey);
            EnvelopeCore.Store(randomizedPassword, response.ServerPublicKey, identities, envelopeNonce, envelope, clientPublicKey, exportKey, Trace);
            Trace?.Invoke("masking_key", maskingKey);
            Trace?.Invoke("envelope", envelope);
            Trace?.Invoke("client_public_key", clientPublicKey);
            Trace?.Invoke("export_key", exportKey);
            return new ClientRegistrationResult(RegistrationRecord.FromValidated(record), exportKey, response.ServerPublicKey.ToArray());
        }
        finally
        {
            CryptographicOperations.ZeroMemory(randomizedPassword);
        }
    }

    /// <summary>GenerateKE1(password) with fresh randomness.</summary>
    public ClientLoginState GenerateKE1(ReadOnlySpan<byte> password)
    {
        Span<byte> blind = stackalloc byte[OpaqueSizes.Nsk];
        Span<byte> random = stackalloc byte[OpaqueSizes.Nn + OpaqueSizes.Nseed];
        try
        {
            Oprf.RandomScalar(blind);
            RandomNumberGenerator.Fill(random);
            return GenerateKE1(password, blind, random[..OpaqueSizes.Nn], random[OpaqueSizes.Nn..]);
        }
        finally
        {
            CryptographicOperations.ZeroMemory(blind);
            CryptographicOperations.ZeroMemory(random);
        }
    }

    /// <summary>GenerateKE1 with explicit randomness: blind (scalar), client_nonce (32), client_keyshare_seed (32).</summary>
    public ClientLoginState GenerateKE1(ReadOnlySpan<byte> password, ReadOnlySpan<byte> blind, ReadOnlySpan<byte> clientNonce, ReadOnlySpan<byte> clientKeyshareSeed)
    {
        Wire.RequireLength(clientNonce, OpaqueSizes.Nn, nameof(clientNonce));
        Wire.RequireLength(clientKeyshareSeed, OpaqueSizes.Nseed, nameof(clientKeyshareSeed));
        byte[] ke1 = new byte[KE1.Size];
        byte[] clientSecret = new byte[OpaqueSizes.Nsk];
        Oprf.Blind(password, blind, ke1.AsSpan(0, OpaqueSizes.Noe));
        clientNonce.CopyTo(ke1.AsSpan(OpaqueSizes.Noe));
        Oprf.DeriveKeyPair(clientKeyshareSeed, OpaqueLabels.OpaqueDeriveDiffieHellmanKeyPair, clientSecret, ke1.AsSpan(OpaqueSizes.Noe + OpaqueSizes.Nn));
        return new ClientLoginState(blind.ToArray(), clientSecret, KE1.FromValidated(ke1));
    }

    /// <summary>
    /// GenerateKE3: recovers the credentials from KE2, authenticates the server and derives the keys.
    /// Returns null for every failure — wrong password, tampered or foreign KE2, wrong identities —
    /// deliberately without saying which (RFC 9807 §10.1 and opaque-ke's single login error).
    /// </summary>
    public ClientLoginResult? GenerateKE3(ClientLoginState state, ReadOnlySpan<byte> password, KE2 ke2, OpaqueIdentities? identities = null)
    {
        ArgumentNullException.ThrowIfNull(state);
        ArgumentNullException.ThrowIfNull(ke2);
        state.Consume();
        if (CryptographicOperations.FixedTimeEquals(ke2.EvaluatedMessage, state.KE1.BlindedMessage))
            return null; // reflected evaluation: one login failure, like every other

        Span<byte> randomizedPassword = stackalloc byte[OpaqueSizes.Nx];
        Span<byte> maskingKey = stackalloc byte[OpaqueSizes.Nh];
        Span<byte> unmasked = stackalloc byte[OpaqueSizes.MaskedResponse];
        Span<byte> clientPrivateKey = stackalloc byte[OpaqueSizes.Nsk];
        Span<byte> clientPublicKey = stackalloc byte[OpaqueSizes.Npk];
        Span<byte> ikm = stackalloc byte[3 * OpaqueSizes.Npk];
        Span<byte> serverMac = stackalloc byte[OpaqueSizes.Nm];
        byte[] exportKey = new byte[OpaqueSizes.Nh];
        byte[] sessionKey = new byte[OpaqueSizes.Nx];
        byte[] clientMac = new byte[OpaqueSizes.Nm];
        bool success = false;
        try
        {
            // RecoverCredentials (§6.4.3 / §5.3.2).
            RandomizedPassword(password, state.Blind, ke2.EvaluatedMessage, randomizedPassword);
            EnvelopeCore.MaskingKey(randomizedPassword, maskingKey);
            Kdf.Expand(maskingKey, ke2.MaskingNonce, OpaqueLabels.CredentialResponsePad, unmasked);
            ReadOnlySpan<byte> masked = ke2.MaskedResponse;
            for (int i = 0; i < unmasked.Length; i++)
                unmasked[i] ^= masked[i];
            ReadOnlySpan<byte> serverPublicKey = unmasked[..OpaqueSizes.Npk];
            if (Wire.CheckElement(serverPublicKey, "server_public_key") is not null)
                return null;
            if (!EnvelopeCore.Recover(randomizedPassword, serverPublicKey, unmasked[OpaqueSizes.Npk..], identities, clientPrivateKey, clientPublicKey, exportKey))
                return null;

            // AuthClientFinalize (§6.4.3).
            ReadOnlySpan<byte> clientIdentity = OpaqueIdentities.ClientOr(identities, clientPublicKey);
            ReadOnlySpan<byte> serverIdentity = OpaqueIdentities.ServerOr(identities, serverPublicKey);
            using IncrementalHash preamble = ThreeDh.Preamble(
                _configuration.Context, clientIdentity, state.KE1.Bytes, serverIdentity, ke2.Bytes[..ThreeDh.Ke2MacOffset]);
            bool ok = ThreeDh.Dh(state.ClientSecret, ke2.ServerPublicKeyshare, ikm[..32])
                & ThreeDh.Dh(state.ClientSecret, serverPublicKey, ikm[32..64])
                & ThreeDh.Dh(clientPrivateKey, ke2.ServerPublicKeyshare, ikm[64..]);
            if (!ok)
                return null;
            ThreeDh.Complete(ikm, preamble, serverMac, clientMac, sessionKey, Trace);
            if (!CryptographicOperations.FixedTimeEquals(serverMac, ke2.ServerMac))
                return null;
            success = true;
            return new ClientLoginResult(KE3.FromValidated(clientMac), sessionKey, exportKey, serverPublicKey.ToArray());
        }
        finally
        {
            CryptographicOperations.ZeroMemory(randomizedPassword);
            CryptographicOperations.ZeroMemory(maskingKey);
            CryptographicOperations.ZeroMemory(unmasked);
            CryptographicOperations.ZeroMemory(clientPrivateKey);
            CryptographicOperations.ZeroMemory(ikm);
            CryptographicOperations.ZeroMemory(serverMac);
            if (!success)
            {
                CryptographicOperations.ZeroMemory(exportKey);
                CryptographicOperations.ZeroMemory(sessionKey);
                CryptographicOperations.ZeroMemory(clientMac);
            }
        }
    }

    private void RandomizedPassword(ReadOnlySpan<byte> password, ReadOnlySpan<byte> blind, ReadOnlySpan<byte> evaluated, Span<byte> randomizedPassword)
    {
        Span<byte> oprfOutput = stackalloc byte[Oprf.OutputSize];
        try
        {
            Oprf.Finalize(password, blind, evaluated, oprfOutput);
            EnvelopeCore.RandomizedPassword(_configuration.KeyStretching, oprfOutput, randomizedPassword);
            Trace?.Invoke("randomized_password", randomizedPassword);
        }
        finally
        {
            CryptographicOperations.ZeroMemory(oprfOutput);
        }
    }
}
