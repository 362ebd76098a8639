using System.Text.Json.Nodes;
using static Lockbox.Opaque.Tests.Interop.SerenityPeer;

namespace Lockbox.Opaque.Tests.Interop;

/// <summary>
/// The key stretching function only runs on the client, so a client talking to either server proves
/// nothing about it. Here one client registers and the <em>other</em> logs in with the same password:
/// that succeeds, with equal export keys, only if Lockbox's Argon2id equals opaque-ke's bit for bit.
/// </summary>
public sealed class CrossClientKsfTests
{
    private static readonly byte[] Password = "correct horse battery staple"u8.ToArray();
    private const string PasswordText = "correct horse battery staple";
    private static readonly byte[] CredentialIdentifier = "bob@lockbox"u8.ToArray();

    public static TheoryData<string> Presets() => ["default", "custom"];

    private static (KeyStretching Ours, JsonNode? Theirs) Preset(string name) => name switch
    {
        // serenity's default (no keyStretching given) is "memory-constrained": t=3, m=2^16, p=4.
        "default" => (KeyStretching.MemoryConstrained, null),
        "custom" => (KeyStretching.Argon2id(iterations: 2, memoryKiB: 4096, parallelism: 2),
            new JsonObject { ["argon2id-custom"] = new JsonObject { ["iterations"] = 2, ["memory"] = 4096, ["parallelism"] = 2 } }),
        _ => throw new ArgumentOutOfRangeException(nameof(name)),
    };

    [Theory]
    [MemberData(nameof(Presets))]
    public void SerenityRegistersLockboxLogsIn(string preset)
    {
        (KeyStretching ours, JsonNode? theirs) = Preset(preset);
        using ServerKeyPair keyPair = ServerKeyPair.Generate();
        using OprfSeed oprfSeed = OprfSeed.Generate();
        var server = new OpaqueServer(keyPair);

        JsonObject start = CallOk(new JsonObject { ["op"] = "client-register-start", ["password"] = PasswordText });
        RegistrationResponse response = server.CreateRegistrationResponse(RegistrationRequest.Parse(Bytes(start, "registrationRequest")), oprfSeed, CredentialIdentifier);
        JsonObject finish = CallOk(new JsonObject
        {
            ["op"] = "client-register-finish",
            ["password"] = PasswordText,
            ["clientRegistrationState"] = Str(start, "clientRegistrationState"),
            ["registrationResponse"] = B64(response.Serialize()),
            ["keyStretching"] = theirs?.DeepClone(),
        });
        RegistrationRecord record = RegistrationRecord.Parse(Bytes(finish, "registrationRecord"));

        var client = new OpaqueClient(new OpaqueConfiguration([], ours));
        using ClientLoginState login = client.GenerateKE1(Password);
        KE2 ke2 = server.GenerateKE2(login.KE1, record, oprfSeed, CredentialIdentifier, out ServerLoginState state);
        using ClientLoginResult? result = client.GenerateKE3(login, Password, ke2);
        Assert.NotNull(result);
        Assert.Equal(Bytes(finish, "exportKey"), result.ExportKey.ToArray());
        Assert.Equal(result.SessionKey.ToArray(), OpaqueServer.ServerFinish(state, result.KE3));
        state.Dispose();
    }

    [Theory]
    [MemberData(nameof(Presets))]
    public void LockboxRegistersSerenityLogsIn(string preset)
    {
        (KeyStretching ours, JsonNode? theirs) = Preset(preset);
        var client = new OpaqueClient(new OpaqueConfiguration([], ours));
        JsonObject setup = CallOk(new JsonObject { ["op"] = "server-setup" });
        string serverSetup = Str(setup, "serverSetup");

        using ClientRegistrationState registration = client.CreateRegistrationRequest(Password);
        JsonObject response = CallOk(new JsonObject
        {
            ["op"] = "server-register",
            ["serverSetup"] = serverSetup,
            ["userIdentifier"] = "bob@lockbox",
            ["registrationRequest"] = B64(registration.Request.Serialize()),
        });
        using ClientRegistrationResult registered = client.FinalizeRegistrationRequest(
            registration, Password, RegistrationResponse.Parse(Bytes(response, "registrationResponse")));

        JsonObject start = CallOk(new JsonObject { ["op"] = "client-login-start", ["password"] = PasswordText });
        JsonObject ke2 = CallOk(new JsonObject
        {
            ["op"] = "server-login-start",
            ["serverSetup"] = serverSetup,
            ["userIdentifier"] = "bob@lockbox",
            ["registrationRecord"] = B64(registered.Record.Serialize()),
            ["startLoginRequest"] = Str(start, "startLoginRequest"),
        });
        JsonObject finish = CallOk(new JsonObject
        {
            ["op"] = "client-login-finish",
            ["password"] = PasswordText,
            ["clientLoginState"] = Str(start, "clientLoginState"),
            ["loginResponse"] = Str(ke2, "loginResponse"),
            ["keyStretching"] = theirs?.DeepClone(),
        });
        Assert.Equal(registered.ExportKey.ToArray(), Bytes(finish, "exportKey"));
        JsonObject done = CallOk(new JsonObject
        {
            ["op"] = "server-login-finish",
            ["serverLoginState"] = Str(ke2, "serverLoginState"),
            ["finishLoginRequest"] = Str(finish, "finishLoginRequest"),
        });
        Assert.Equal(Bytes(finish, "sessionKey"), Bytes(done, "sessionKey"));
    }

    [Fact]
    public void DifferentKsfParametersDoNotLogIn()
    {
        // Registered by serenity with its default; a Lockbox client with other parameters is refused.
        using ServerKeyPair keyPair = ServerKeyPair.Generate();
        using OprfSeed oprfSeed = OprfSeed.Generate();
        var server = new OpaqueServer(keyPair);
        JsonObject start = CallOk(new JsonObject { ["op"] = "client-register-start", ["password"] = PasswordText });
        RegistrationResponse response = server.CreateRegistrationResponse(RegistrationRequest.Parse(Bytes(start, "registrationRequest")), oprfSeed, CredentialIdentifier);
        JsonObject finish = CallOk(new JsonObject
        {
            ["op"] = "client-register-finish",
            ["password"] = PasswordText,
            ["clientRegistrationState"] = Str(start, "clientRegistrationState"),
            ["registrationResponse"] = B64(response.Serialize()),
        });
        RegistrationRecord record = RegistrationRecord.Parse(Bytes(finish, "registrationRecord"));

        var client = new OpaqueClient(new OpaqueConfiguration([], KeyStretching.Argon2id(iterations: 3, memoryKiB: 1 << 16, parallelism: 1)));
        using ClientLoginState login = client.GenerateKE1(Password);
        KE2 ke2 = server.GenerateKE2(login.KE1, record, oprfSeed, CredentialIdentifier, out ServerLoginState state);
        Assert.Null(client.GenerateKE3(login, Password, ke2));
        state.Dispose();
    }
}
