using Lockbox.Opaque;

namespace Lockbox.Vault.Core.Opaque;

/// <summary>
/// <see cref="IOpaqueServer"/> over Lockbox.Opaque's RFC 9807 server, with Lockbox's configuration
/// (empty context, identities = public keys). KE2 randomness layout (160 bytes):
/// <c>masking_nonce (32) || server_nonce (32) || server_keyshare_seed (32) || fake_masking_key (64)</c>;
/// the last is used only on the unknown-account path. The fake record uses the server's fixed fake client
/// public key (<see cref="OpaqueServer.CreateFakeRecord(ReadOnlySpan{byte})"/>, docs/PROTOCOL.md §7), so an
/// unknown account costs the same group operations as a real one: no key pair is derived per request.
/// </summary>
internal sealed class OpaqueServerAdapter : IOpaqueServer, IDisposable
{
    private readonly ServerKeyPair _keyPair;
    private readonly OpaqueServer _server;
    private readonly byte[] _publicKey;

    public OpaqueServerAdapter(ServerKeyPair keyPair)
    {
        _keyPair = keyPair;
        _server = new OpaqueServer(keyPair, OpaqueConfiguration.Default);
        _publicKey = keyPair.PublicKey.ToArray();
    }

    public ReadOnlySpan<byte> ServerPublicKey => _publicKey;

    public int KE2RandomnessLength => 32 + 32 + 32 + 64;

    public byte[]? CreateRegistrationResponse(ReadOnlySpan<byte> registrationRequest, ReadOnlySpan<byte> oprfKeySeed)
    {
        if (!RegistrationRequest.TryParse(registrationRequest, out RegistrationRequest? request)) return null;
        return _server.CreateRegistrationResponse(request, oprfKeySeed).Serialize();
    }

    public bool IsValidRegistrationRequest(ReadOnlySpan<byte> registrationRequest) => RegistrationRequest.TryParse(registrationRequest, out _);

    public bool IsValidKE1(ReadOnlySpan<byte> ke1) => KE1.TryParse(ke1, out _);

    public bool IsValidRecord(ReadOnlySpan<byte> registrationRecord) => RegistrationRecord.TryParse(registrationRecord, out _);

    public LoginStartResult? GenerateKE2(
        ReadOnlySpan<byte> registrationRecord,
        ReadOnlySpan<byte> credentialIdentifier,
        ReadOnlySpan<byte> oprfKeySeed,
        ReadOnlySpan<byte> ke1,
        ReadOnlySpan<byte> randomness)
    {
        if (randomness.Length != KE2RandomnessLength) throw new ArgumentException("Wrong KE2 randomness length.", nameof(randomness));
        if (!KE1.TryParse(ke1, out KE1? request)) return null;
        RegistrationRecord record;
        if (registrationRecord.IsEmpty)
        {
            record = _server.CreateFakeRecord(randomness.Slice(96, 64));
        }
        else if (!RegistrationRecord.TryParse(registrationRecord, out RegistrationRecord? parsed))
        {
            return null;
        }
        else
        {
            record = parsed;
        }

        try
        {
            KE2 ke2 = _server.GenerateKE2(request, record, oprfKeySeed, randomness[..32], randomness.Slice(32, 32), randomness.Slice(64, 32), out ServerLoginState state);
            using (state)
                return new LoginStartResult(ke2.Serialize(), state.Serialize());
        }
        catch (OpaqueProtocolException)
        {
            return null; // e.g. a KE1 keyshare that makes a 3DH product the identity
        }
    }

    public bool ServerFinish(ReadOnlySpan<byte> serverState, ReadOnlySpan<byte> ke3, Span<byte> sessionKey)
    {
        if (!KE3.TryParse(ke3, out KE3? message)) return false;
        using ServerLoginState state = ServerLoginState.Parse(serverState);
        return OpaqueServer.ServerFinish(state, message, sessionKey);
    }

    public void Dispose() => _keyPair.Dispose();
}
