using System.Security.Cryptography;

namespace Lockbox.Opaque.Tests.Malformed;

/// <summary>
/// Active attacks on a login (KSF = Identity to keep them fast; the protocol logic is the same):
/// tampered KE2 and KE3, a KE3 from another session, a replayed KE1, wrong identities. None succeeds,
/// none throws an unhandled exception, and the client's failure does not say why.
/// </summary>
public sealed class LoginAttackTests : IDisposable
{
    private static readonly byte[] Password = "hunter2 but longer"u8.ToArray();
    private static readonly byte[] CredentialIdentifier = "account-42"u8.ToArray();
    private readonly OpaqueConfiguration _configuration = new("lockbox-test"u8, KeyStretching.Identity);
    private readonly ServerKeyPair _keyPair = ServerKeyPair.Generate();
    private readonly OprfSeed _oprfSeed = OprfSeed.Generate();
    private readonly OpaqueClient _client;
    private readonly OpaqueServer _server;
    private readonly RegistrationRecord _record;

    public LoginAttackTests()
    {
        _client = new OpaqueClient(_configuration);
        _server = new OpaqueServer(_keyPair, _configuration);
        using ClientRegistrationState state = _client.CreateRegistrationRequest(Password);
        RegistrationResponse response = _server.CreateRegistrationResponse(state.Request, _oprfSeed, CredentialIdentifier);
        using ClientRegistrationResult result = _client.FinalizeRegistrationRequest(state, Password, response);
        _record = result.Record;
    }

    public void Dispose()
    {
        _keyPair.Dispose();
        _oprfSeed.Dispose();
    }

    private KE2 Ke2For(ClientLoginState login, out ServerLoginState state, OpaqueIdentities? identities = null) =>
        _server.GenerateKE2(login.KE1, _record, _oprfSeed, CredentialIdentifier, out state, identities);

    [Fact]
    public void HonestLoginSucceedsAndKeysAgree()
    {
        using ClientLoginState login = _client.GenerateKE1(Password);
        KE2 ke2 = Ke2For(login, out ServerLoginState state);
        using ClientLoginResult? result = _client.GenerateKE3(login, Password, ke2);
        Assert.NotNull(result);
        Assert.Equal(result.SessionKey.ToArray(), OpaqueServer.ServerFinish(state, result.KE3));
        Assert.Equal(_keyPair.PublicKey.ToArray(), result.ServerPublicKey.ToArray());
    }

    [Fact]
    public void WrongPasswordIsALoginFailure()
    {
        using ClientLoginState login = _client.GenerateKE1("hunter3 but longer"u8);
        KE2 ke2 = Ke2For(login, out _);
        Assert.Null(_client.GenerateKE3(login, "hunter3 but longer"u8, ke2));
    }

    [Fact]
    public void EveryFlippedBitOfKe2IsRejected()
    {
        // A state finishes once only, so each flip gets a fresh state with the same randomness (the same KE1).
        byte[] blind = new byte[32];
        blind[0] = 9;
        byte[] nonce = RandomNumberGenerator.GetBytes(32), seed = RandomNumberGenerator.GetBytes(32);
        ClientLoginState Login() => _client.GenerateKE1(Password, blind, nonce, seed);
        byte[] ke2;
        using (ClientLoginState first = Login())
            ke2 = Ke2For(first, out _).Serialize();
        int parseErrors = 0;
        int loginFailures = 0;
        for (int i = 0; i < ke2.Length; i++)
        {
            byte[] tampered = (byte[])ke2.Clone();
            tampered[i] ^= (byte)(1 << (i % 8));
            if (!KE2.TryParse(tampered, out KE2? parsed))
            {
                parseErrors++;
                continue;
            }
            using ClientLoginState login = Login();
            Assert.Null(_client.GenerateKE3(login, Password, parsed));
            loginFailures++;
        }
        Assert.Equal(KE2.Size, parseErrors + loginFailures);
        Assert.True(loginFailures > 250, $"only {loginFailures} flips reached the client");
    }

    [Fact]
    public void TamperedKe3IsRejected()
    {
        using ClientLoginState login = _client.GenerateKE1(Password);
        KE2 ke2 = Ke2For(login, out ServerLoginState state);
        using ClientLoginResult? result = _client.GenerateKE3(login, Password, ke2);
        Assert.NotNull(result);
        byte[] ke3 = result.KE3.Serialize();
        ke3[17] ^= 0x01;
        Span<byte> sessionKey = stackalloc byte[64];
        Assert.False(OpaqueServer.ServerFinish(state, KE3.Parse(ke3), sessionKey));
        Assert.True(sessionKey.SequenceEqual(new byte[64]));
    }

    [Fact]
    public void Ke3FromAnotherSessionIsRejected()
    {
        using ClientLoginState first = _client.GenerateKE1(Password);
        KE2 firstKe2 = Ke2For(first, out ServerLoginState firstState);
        using ClientLoginState second = _client.GenerateKE1(Password);
        KE2 secondKe2 = Ke2For(second, out ServerLoginState secondState);
        using ClientLoginResult? firstResult = _client.GenerateKE3(first, Password, firstKe2);
        using ClientLoginResult? secondResult = _client.GenerateKE3(second, Password, secondKe2);
        Assert.NotNull(firstResult);
        Assert.NotNull(secondResult);

        Assert.Null(OpaqueServer.ServerFinish(secondState, firstResult.KE3));
        Assert.Null(OpaqueServer.ServerFinish(firstState, secondResult.KE3));
        Assert.NotNull(OpaqueServer.ServerFinish(firstState, firstResult.KE3));
    }

    [Fact]
    public void ReplayedKe1GetsAFreshKe2AndTheRecordedKe3DoesNotFinishIt()
    {
        using ClientLoginState login = _client.GenerateKE1(Password);
        KE1 recorded = KE1.Parse(login.KE1.Serialize());
        KE2 ke2 = Ke2For(login, out _);
        using ClientLoginResult? result = _client.GenerateKE3(login, Password, ke2);
        Assert.NotNull(result);

        // An eavesdropper replays the KE1 and the KE3 it saw: the server's fresh nonce and key share make
        // a different transcript, so the old KE3 is refused and no session key is released.
        KE2 replayed = _server.GenerateKE2(recorded, _record, _oprfSeed, CredentialIdentifier, out ServerLoginState replayState);
        Assert.NotEqual(ke2.Serialize(), replayed.Serialize());
        Assert.Null(OpaqueServer.ServerFinish(replayState, result.KE3));

        // Nor can an old KE2 be replayed to a client on a new login.
        using ClientLoginState next = _client.GenerateKE1(Password);
        Assert.Null(_client.GenerateKE3(next, Password, ke2));
    }

    [Fact]
    public void MismatchedIdentitiesAreALoginFailure()
    {
        using ClientLoginState login = _client.GenerateKE1(Password);
        var identities = new OpaqueIdentities("alice"u8.ToArray(), null);
        KE2 ke2 = Ke2For(login, out _, identities);
        Assert.Null(_client.GenerateKE3(login, Password, ke2, identities));
    }

    [Fact]
    public void KeyFromAnotherServerIsALoginFailure()
    {
        using ServerKeyPair impostorKey = ServerKeyPair.Generate();
        var impostor = new OpaqueServer(impostorKey, _configuration);
        using ClientLoginState login = _client.GenerateKE1(Password);
        KE2 ke2 = impostor.GenerateKE2(login.KE1, _record, _oprfSeed, CredentialIdentifier, out _);
        Assert.Null(_client.GenerateKE3(login, Password, ke2));
    }

    [Fact]
    public void UnknownAccountKe2HasTheRealShapeAndFails()
    {
        using ClientLoginState login = _client.GenerateKE1(Password);
        KE2 fake = _server.GenerateKE2(login.KE1, null, _oprfSeed, "no-such-account"u8, out ServerLoginState state);
        Assert.Equal(KE2.Size, fake.Length);
        Assert.Null(_client.GenerateKE3(login, Password, fake));
        Assert.Null(OpaqueServer.ServerFinish(state, KE3.Parse(RandomNumberGenerator.GetBytes(KE3.Size))));
    }

    [Fact]
    public void FakeRecordsAreFixedPerServerKeyAndFreshPerRequest()
    {
        byte[] privateKey = new byte[32];
        _keyPair.ExportPrivateKey(privateKey);
        using ServerKeyPair replicaKey = ServerKeyPair.FromPrivateKey(privateKey);
        var replica = new OpaqueServer(replicaKey, _configuration);
        RegistrationRecord a = _server.CreateFakeRecord();
        RegistrationRecord b = replica.CreateFakeRecord();
        Assert.Equal(a.ClientPublicKey.ToArray(), b.ClientPublicKey.ToArray());
        Assert.NotEqual(a.MaskingKey.ToArray(), b.MaskingKey.ToArray());
        Assert.Equal(new byte[96], a.Envelope.ToArray());
        Assert.Equal(a.Serialize(), RegistrationRecord.Parse(a.Serialize()).Serialize());

        using ServerKeyPair otherKey = ServerKeyPair.Generate();
        Assert.NotEqual(a.ClientPublicKey.ToArray(), new OpaqueServer(otherKey, _configuration).CreateFakeRecord().ClientPublicKey.ToArray());

        byte[] maskingKey = new byte[64];
        maskingKey[3] = 3;
        Assert.Equal(_server.CreateFakeRecord(maskingKey).Serialize(), replica.CreateFakeRecord(maskingKey).Serialize());
    }

    [Fact]
    public void DisposedStatesAndResultsHoldNoSecrets()
    {
        using ClientLoginState login = _client.GenerateKE1(Password);
        KE2 ke2 = Ke2For(login, out ServerLoginState state);
        ClientLoginResult? result = _client.GenerateKE3(login, Password, ke2);
        Assert.NotNull(result);
        result.Dispose();
        Assert.True(result.SessionKey.SequenceEqual(new byte[64]));
        Assert.True(result.ExportKey.SequenceEqual(new byte[64]));
        state.Dispose();
        Assert.Equal(new byte[ServerLoginState.Size], state.Serialize());
    }

    [Fact]
    public void ServerStateSurvivesSerialization()
    {
        using ClientLoginState login = _client.GenerateKE1(Password);
        KE2 ke2 = Ke2For(login, out ServerLoginState state);
        byte[] stored = state.Serialize();
        state.Dispose();
        using ClientLoginResult? result = _client.GenerateKE3(login, Password, ke2);
        Assert.NotNull(result);
        using ServerLoginState restored = ServerLoginState.Parse(stored);
        Assert.Equal(result.SessionKey.ToArray(), OpaqueServer.ServerFinish(restored, result.KE3));
    }
}
