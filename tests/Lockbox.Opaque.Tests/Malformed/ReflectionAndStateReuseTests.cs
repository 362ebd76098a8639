namespace Lockbox.Opaque.Tests.Malformed;

/// <summary>
/// Issue 9, finding 10: a reflected OPRF evaluation (the server echoes the blinded element) is refused at
/// registration and at login, and a client state is finished once only (a second use is a caller bug).
/// </summary>
public sealed class ReflectionAndStateReuseTests : IDisposable
{
    private static readonly byte[] Password = "correct horse battery"u8.ToArray();
    private static readonly byte[] CredentialIdentifier = "account-7"u8.ToArray();
    private readonly OpaqueClient _client = new(new OpaqueConfiguration([], KeyStretching.Identity));
    private readonly ServerKeyPair _keyPair = ServerKeyPair.Generate();
    private readonly OprfSeed _oprfSeed = OprfSeed.Generate();
    private readonly OpaqueServer _server;

    public ReflectionAndStateReuseTests() => _server = new OpaqueServer(_keyPair, new OpaqueConfiguration([], KeyStretching.Identity));

    public void Dispose()
    {
        _keyPair.Dispose();
        _oprfSeed.Dispose();
    }

    private RegistrationRecord Register()
    {
        using ClientRegistrationState state = _client.CreateRegistrationRequest(Password);
        RegistrationResponse response = _server.CreateRegistrationResponse(state.Request, _oprfSeed, CredentialIdentifier);
        using ClientRegistrationResult result = _client.FinalizeRegistrationRequest(state, Password, response);
        return result.Record;
    }

    [Fact]
    public void RegistrationRefusesAReflectedEvaluation()
    {
        using ClientRegistrationState state = _client.CreateRegistrationRequest(Password);
        RegistrationResponse reflected = RegistrationResponse.Parse([.. state.Request.BlindedMessage, .. _keyPair.PublicKey]);

        var e = Assert.Throws<OpaqueProtocolException>(() => _client.FinalizeRegistrationRequest(state, Password, reflected));

        Assert.Equal(OpaqueError.ReflectedElement, e.Error);
    }

    [Fact]
    public void LoginRefusesAReflectedEvaluationAsALoginFailure()
    {
        RegistrationRecord record = Register();
        using ClientLoginState login = _client.GenerateKE1(Password);
        KE2 honest = _server.GenerateKE2(login.KE1, record, _oprfSeed, CredentialIdentifier, out _);
        KE2 reflected = KE2.Parse([.. login.KE1.BlindedMessage, .. honest.Bytes[32..]]);

        Assert.Null(_client.GenerateKE3(login, Password, reflected));
    }

    [Fact]
    public void ALoginStateFinishesOnceOnly()
    {
        RegistrationRecord record = Register();
        using ClientLoginState login = _client.GenerateKE1(Password);
        KE2 ke2 = _server.GenerateKE2(login.KE1, record, _oprfSeed, CredentialIdentifier, out _);
        using ClientLoginResult? first = _client.GenerateKE3(login, Password, ke2);
        Assert.NotNull(first);

        Assert.Throws<InvalidOperationException>(() => _client.GenerateKE3(login, Password, ke2));
    }

    [Fact]
    public void AFailedLoginStillConsumesTheState()
    {
        RegistrationRecord record = Register();
        using ClientLoginState login = _client.GenerateKE1("wrong password"u8);
        KE2 ke2 = _server.GenerateKE2(login.KE1, record, _oprfSeed, CredentialIdentifier, out _);
        Assert.Null(_client.GenerateKE3(login, "wrong password"u8, ke2));

        Assert.Throws<InvalidOperationException>(() => _client.GenerateKE3(login, Password, ke2));
    }

    [Fact]
    public void ARegistrationStateFinalizesOnceOnly()
    {
        using ClientRegistrationState state = _client.CreateRegistrationRequest(Password);
        RegistrationResponse response = _server.CreateRegistrationResponse(state.Request, _oprfSeed, CredentialIdentifier);
        using (_client.FinalizeRegistrationRequest(state, Password, response))
        {
        }

        Assert.Throws<InvalidOperationException>(() => _client.FinalizeRegistrationRequest(state, Password, response));
    }

    [Fact]
    public void ADisposedStateCannotBeFinished()
    {
        ClientLoginState login = _client.GenerateKE1(Password);
        KE2 ke2 = _server.GenerateKE2(login.KE1, null, _oprfSeed, CredentialIdentifier, out _);
        login.Dispose();

        Assert.Throws<InvalidOperationException>(() => _client.GenerateKE3(login, Password, ke2));
    }
}
