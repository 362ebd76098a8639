namespace Lockbox.Opaque.Tests.Examples;

/// <summary>The presets are the documented parameters (docs/PROTOCOL.md §3), and awkward inputs still work.</summary>
public sealed class ConfigurationTests
{
    [Fact]
    public void DefaultIsSerenityCompatible()
    {
        Assert.True(OpaqueConfiguration.Default.Context.IsEmpty);
        Argon2idKeyStretching ksf = Assert.IsType<Argon2idKeyStretching>(OpaqueConfiguration.Default.KeyStretching);
        Assert.Equal((3, 65536, 4), (ksf.Iterations, ksf.MemoryKiB, ksf.Parallelism));
    }

    [Fact]
    public void RfcPresetsHaveTheRfcParameters()
    {
        Argon2idKeyStretching rfc = KeyStretching.RfcRecommended;
        Assert.Equal((1, 1 << 21, 4), (rfc.Iterations, rfc.MemoryKiB, rfc.Parallelism));
        Argon2idKeyStretching serenity = KeyStretching.SerenityRfcRecommended;
        Assert.Equal((1, (1 << 21) - 1, 4), (serenity.Iterations, serenity.MemoryKiB, serenity.Parallelism));
    }

    [Fact]
    public void ImpossibleArgon2ParametersAreRefused()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => KeyStretching.Argon2id(0, 65536, 4));
        Assert.Throws<ArgumentOutOfRangeException>(() => KeyStretching.Argon2id(1, 16, 4));
        Assert.Throws<ArgumentOutOfRangeException>(() => KeyStretching.Argon2id(1, 65536, 0));
    }

    [Fact]
    public void LongCredentialIdentifierAndPasswordWork()
    {
        var configuration = new OpaqueConfiguration(new byte[1000], KeyStretching.Identity);
        var client = new OpaqueClient(configuration);
        using ServerKeyPair keyPair = ServerKeyPair.Generate();
        using OprfSeed oprfSeed = OprfSeed.Generate();
        var server = new OpaqueServer(keyPair, configuration);
        byte[] credentialIdentifier = new byte[10_000];
        byte[] password = new byte[5_000];
        Array.Fill(password, (byte)'p');

        using ClientRegistrationState registration = client.CreateRegistrationRequest(password);
        using ClientRegistrationResult registered = client.FinalizeRegistrationRequest(
            registration, password, server.CreateRegistrationResponse(registration.Request, oprfSeed, credentialIdentifier));
        using ClientLoginState login = client.GenerateKE1(password);
        KE2 ke2 = server.GenerateKE2(login.KE1, registered.Record, oprfSeed, credentialIdentifier, out ServerLoginState state);
        using ClientLoginResult? result = client.GenerateKE3(login, password, ke2);
        Assert.NotNull(result);
        Assert.Equal(registered.ExportKey.ToArray(), result.ExportKey.ToArray());
        Assert.Equal(result.SessionKey.ToArray(), OpaqueServer.ServerFinish(state, result.KE3));
    }

    [Fact]
    public void ContextMismatchIsALoginFailure()
    {
        var a = new OpaqueConfiguration("lockbox-a"u8, KeyStretching.Identity);
        var b = new OpaqueConfiguration("lockbox-b"u8, KeyStretching.Identity);
        using ServerKeyPair keyPair = ServerKeyPair.Generate();
        using OprfSeed oprfSeed = OprfSeed.Generate();
        var clientA = new OpaqueClient(a);
        var serverB = new OpaqueServer(keyPair, b);
        byte[] id = "x"u8.ToArray();
        using ClientRegistrationState registration = clientA.CreateRegistrationRequest("pw"u8);
        using ClientRegistrationResult registered = clientA.FinalizeRegistrationRequest(
            registration, "pw"u8, serverB.CreateRegistrationResponse(registration.Request, oprfSeed, id));
        using ClientLoginState login = clientA.GenerateKE1("pw"u8);
        KE2 ke2 = serverB.GenerateKE2(login.KE1, registered.Record, oprfSeed, id, out _);
        Assert.Null(clientA.GenerateKE3(login, "pw"u8, ke2));
    }

    [Fact]
    public void KeyPairDerivedFromASeedIsStable()
    {
        byte[] seed = new byte[32];
        seed[5] = 9;
        using ServerKeyPair a = ServerKeyPair.DeriveFromSeed(seed);
        using ServerKeyPair b = ServerKeyPair.DeriveFromSeed(seed);
        Assert.Equal(a.PublicKey.ToArray(), b.PublicKey.ToArray());
    }
}
