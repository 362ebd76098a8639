using System.Text.Json;

namespace Lockbox.Opaque.Tests.Rfc;

/// <summary>
/// RFC 9807 Appendix C.1.1 (real, no identities), C.1.2 (real, identities "alice"/"bob") and C.1.3
/// (fake record) for OPAQUE-3DH ristretto255-SHA512: every input, intermediate and output, field by field.
/// </summary>
public sealed class Rfc9807VectorTests
{
    private static List<JsonElement> Vectors()
    {
        var list = new List<JsonElement>();
        foreach (JsonElement v in Fixtures.Load("opaque/opaque-ristretto255-SHA512.json").EnumerateArray())
        {
            JsonElement config = v.GetProperty("config");
            Assert.Equal("ristretto255-SHA512", config.GetProperty("OPRF").GetString());
            Assert.Equal("Identity", config.GetProperty("KSF").GetString());
            list.Add(v);
        }
        return list;
    }

    private static JsonElement Real(bool withIdentities) =>
        Vectors().Single(v => v.GetProperty("config").GetProperty("Fake").GetString() == "False"
            && v.GetProperty("inputs").TryGetProperty("client_identity", out _) == withIdentities);

    private static OpaqueIdentities? Identities(JsonElement inputs) =>
        inputs.TryGetProperty("client_identity", out _)
            ? new OpaqueIdentities(inputs.Hex("client_identity"), inputs.Hex("server_identity"))
            : null;

    private static void AssertHex(JsonElement section, string name, ReadOnlySpan<byte> actual) =>
        Assert.True(
            section.GetProperty(name).GetString() == Convert.ToHexStringLower(actual),
            $"{name}: expected {section.GetProperty(name).GetString()}, got {Convert.ToHexStringLower(actual)}");

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void RealVectorMatchesEveryIntermediateAndOutput(bool withIdentities)
    {
        JsonElement vector = Real(withIdentities);
        JsonElement inputs = vector.GetProperty("inputs");
        JsonElement intermediates = vector.GetProperty("intermediates");
        JsonElement outputs = vector.GetProperty("outputs");
        var configuration = new OpaqueConfiguration(vector.GetProperty("config").Hex("Context"), KeyStretching.Identity);
        OpaqueIdentities? identities = Identities(inputs);
        byte[] password = inputs.Hex("password");
        byte[] credentialIdentifier = inputs.Hex("credential_identifier");

        var clientTrace = new Dictionary<string, byte[]>();
        var serverTrace = new Dictionary<string, byte[]>();
        var client = new OpaqueClient(configuration) { Trace = (name, value) => clientTrace[name] = value.ToArray() };
        using ServerKeyPair keyPair = ServerKeyPair.FromPrivateKey(inputs.Hex("server_private_key"));
        AssertHex(inputs, "server_public_key", keyPair.PublicKey);
        var server = new OpaqueServer(keyPair, configuration) { Trace = (name, value) => serverTrace[name] = value.ToArray() };
        using OprfSeed oprfSeed = OprfSeed.FromBytes(inputs.Hex("oprf_seed"));

        // Registration.
        using ClientRegistrationState registration = client.CreateRegistrationRequest(password, inputs.Hex("blind_registration"));
        AssertHex(outputs, "registration_request", registration.Request.Serialize());
        RegistrationResponse response = server.CreateRegistrationResponse(
            RegistrationRequest.Parse(registration.Request.Serialize()), oprfSeed, credentialIdentifier);
        AssertHex(outputs, "registration_response", response.Serialize());
        AssertHex(intermediates, "oprf_key", serverTrace["oprf_key"]);

        using ClientRegistrationResult registered = client.FinalizeRegistrationRequest(
            registration, password, RegistrationResponse.Parse(response.Serialize()), inputs.Hex("envelope_nonce"), identities);
        AssertHex(outputs, "registration_upload", registered.Record.Serialize());
        AssertHex(outputs, "export_key", registered.ExportKey);
        foreach (string name in new[] { "randomized_password", "masking_key", "auth_key", "envelope", "client_public_key" })
            AssertHex(intermediates, name, clientTrace[name]);
        clientTrace.Clear();

        // Login.
        using ClientLoginState login = client.GenerateKE1(password, inputs.Hex("blind_login"), inputs.Hex("client_nonce"), inputs.Hex("client_keyshare_seed"));
        AssertHex(outputs, "KE1", login.KE1.Serialize());

        byte[] keySeed = new byte[OprfSeed.KeySeedSize];
        oprfSeed.DeriveKeySeed(credentialIdentifier, keySeed);
        KE2 ke2 = server.GenerateKE2(
            KE1.Parse(login.KE1.Serialize()),
            RegistrationRecord.Parse(registered.Record.Serialize()),
            keySeed,
            inputs.Hex("masking_nonce"),
            inputs.Hex("server_nonce"),
            inputs.Hex("server_keyshare_seed"),
            out ServerLoginState serverState,
            identities);
        AssertHex(outputs, "KE2", ke2.Serialize());
        foreach (string name in new[] { "handshake_secret", "server_mac_key", "client_mac_key" })
            AssertHex(intermediates, name, serverTrace[name]);

        using ClientLoginResult? loggedIn = client.GenerateKE3(login, password, KE2.Parse(ke2.Serialize()), identities);
        Assert.NotNull(loggedIn);
        AssertHex(outputs, "KE3", loggedIn.KE3.Serialize());
        AssertHex(outputs, "session_key", loggedIn.SessionKey);
        AssertHex(outputs, "export_key", loggedIn.ExportKey);
        AssertHex(inputs, "server_public_key", loggedIn.ServerPublicKey);
        foreach (string name in new[] { "randomized_password", "handshake_secret", "server_mac_key", "client_mac_key" })
            AssertHex(intermediates, name, clientTrace[name]);

        using ServerLoginState restored = ServerLoginState.Parse(serverState.Serialize());
        byte[]? serverSessionKey = OpaqueServer.ServerFinish(restored, KE3.Parse(loggedIn.KE3.Serialize()));
        Assert.NotNull(serverSessionKey);
        AssertHex(outputs, "session_key", serverSessionKey);
        serverState.Dispose();
    }

    [Fact]
    public void FakeVectorKe2MatchesForAnUnknownAccount()
    {
        JsonElement vector = Vectors().Single(v => v.GetProperty("config").GetProperty("Fake").GetString() == "True");
        JsonElement inputs = vector.GetProperty("inputs");
        var configuration = new OpaqueConfiguration(vector.GetProperty("config").Hex("Context"), KeyStretching.Identity);
        using ServerKeyPair keyPair = ServerKeyPair.FromPrivateKey(inputs.Hex("server_private_key"));
        AssertHex(inputs, "server_public_key", keyPair.PublicKey);
        var server = new OpaqueServer(keyPair, configuration);
        using OprfSeed oprfSeed = OprfSeed.FromBytes(inputs.Hex("oprf_seed"));
        byte[] keySeed = new byte[OprfSeed.KeySeedSize];
        oprfSeed.DeriveKeySeed(inputs.Hex("credential_identifier"), keySeed);

        // The fake client key pair of the vector is consistent.
        using ServerKeyPair fakeClient = ServerKeyPair.FromPrivateKey(inputs.Hex("client_private_key"));
        AssertHex(inputs, "client_public_key", fakeClient.PublicKey);

        RegistrationRecord fake = RegistrationRecord.CreateFake(inputs.Hex("client_public_key"), inputs.Hex("masking_key"));
        Assert.Equal(new byte[96], fake.Envelope.ToArray());
        KE2 ke2 = server.GenerateKE2(
            KE1.Parse(inputs.Hex("KE1")),
            fake,
            keySeed,
            inputs.Hex("masking_nonce"),
            inputs.Hex("server_nonce"),
            inputs.Hex("server_keyshare_seed"),
            out ServerLoginState state,
            Identities(inputs));
        AssertHex(vector.GetProperty("outputs"), "KE2", ke2.Serialize());
        state.Dispose();
    }

    [Fact]
    public void HsmStyleSeedEqualsTheRfcExpand()
    {
        JsonElement inputs = Real(false).GetProperty("inputs");
        byte[] oprfSeedBytes = inputs.Hex("oprf_seed");
        byte[] credentialIdentifier = inputs.Hex("credential_identifier");
        using OprfSeed oprfSeed = OprfSeed.FromBytes(oprfSeedBytes);
        byte[] expected = new byte[OprfSeed.KeySeedSize];
        oprfSeed.DeriveKeySeed(credentialIdentifier, expected);
        byte[] hsm = System.Security.Cryptography.HMACSHA512.HashData(oprfSeedBytes, OprfSeed.KeySeedHmacInput(credentialIdentifier));
        Assert.Equal(expected, hsm[..OprfSeed.KeySeedSize]);
    }
}
