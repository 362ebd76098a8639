using System.Text;
using System.Text.Json.Nodes;
using static Lockbox.Opaque.Tests.Interop.SerenityPeer;

namespace Lockbox.Opaque.Tests.Interop;

/// <summary>
/// opaque-ke's client (@serenity-kit/opaque, default Argon2id "memory-constrained" preset) registers and
/// logs in to Lockbox's server: the keys agree, and a wrong password fails.
/// </summary>
public sealed class SerenityClientAgainstLockboxServerTests
{
    private const string Password = "correct horse battery staple";
    private static readonly byte[] CredentialIdentifier = "alice@lockbox"u8.ToArray();

    private static (RegistrationRecord Record, byte[] ExportKey) Register(OpaqueServer server, OprfSeed oprfSeed, JsonObject? identifiers = null)
    {
        JsonObject start = CallOk(new JsonObject { ["op"] = "client-register-start", ["password"] = Password });
        RegistrationRequest request = RegistrationRequest.Parse(Bytes(start, "registrationRequest"));
        RegistrationResponse response = server.CreateRegistrationResponse(request, oprfSeed, CredentialIdentifier);
        JsonObject finish = CallOk(new JsonObject
        {
            ["op"] = "client-register-finish",
            ["password"] = Password,
            ["clientRegistrationState"] = Str(start, "clientRegistrationState"),
            ["registrationResponse"] = B64(response.Serialize()),
            ["identifiers"] = identifiers?.DeepClone(),
        });
        Assert.Equal(server.PublicKey.ToArray(), Bytes(finish, "serverStaticPublicKey"));
        return (RegistrationRecord.Parse(Bytes(finish, "registrationRecord")), Bytes(finish, "exportKey"));
    }

    [Fact]
    public void SerenityClientRegistersAndLogsInWithMatchingKeys()
    {
        using ServerKeyPair keyPair = ServerKeyPair.Generate();
        using OprfSeed oprfSeed = OprfSeed.Generate();
        var server = new OpaqueServer(keyPair);
        (RegistrationRecord record, byte[] registrationExportKey) = Register(server, oprfSeed);

        JsonObject start = CallOk(new JsonObject { ["op"] = "client-login-start", ["password"] = Password });
        KE2 ke2 = server.GenerateKE2(KE1.Parse(Bytes(start, "startLoginRequest")), record, oprfSeed, CredentialIdentifier, out ServerLoginState state);
        JsonObject finish = CallOk(new JsonObject
        {
            ["op"] = "client-login-finish",
            ["password"] = Password,
            ["clientLoginState"] = Str(start, "clientLoginState"),
            ["loginResponse"] = B64(ke2.Serialize()),
        });

        byte[]? sessionKey = OpaqueServer.ServerFinish(state, KE3.Parse(Bytes(finish, "finishLoginRequest")));
        Assert.NotNull(sessionKey);
        Assert.Equal(Bytes(finish, "sessionKey"), sessionKey);
        Assert.Equal(registrationExportKey, Bytes(finish, "exportKey"));
        Assert.Equal(64, sessionKey.Length);
        state.Dispose();
    }

    [Fact]
    public void SerenityClientWithWrongPasswordFailsAndLockboxServerRejectsAnyKe3()
    {
        using ServerKeyPair keyPair = ServerKeyPair.Generate();
        using OprfSeed oprfSeed = OprfSeed.Generate();
        var server = new OpaqueServer(keyPair);
        (RegistrationRecord record, _) = Register(server, oprfSeed);

        JsonObject start = CallOk(new JsonObject { ["op"] = "client-login-start", ["password"] = "wrong password" });
        KE2 ke2 = server.GenerateKE2(KE1.Parse(Bytes(start, "startLoginRequest")), record, oprfSeed, CredentialIdentifier, out ServerLoginState state);
        JsonObject finish = Call(new JsonObject
        {
            ["op"] = "client-login-finish",
            ["password"] = "wrong password",
            ["clientLoginState"] = Str(start, "clientLoginState"),
            ["loginResponse"] = B64(ke2.Serialize()),
        });
        Assert.False(finish["ok"]!.GetValue<bool>());

        // The client produced no KE3; whatever an attacker sends instead does not finish the login.
        Assert.Null(OpaqueServer.ServerFinish(state, KE3.Parse(new byte[KE3.Size])));
        state.Dispose();
    }

    [Fact]
    public void SerenityClientWithCustomIdentitiesLogsIn()
    {
        var identifiers = new JsonObject { ["client"] = "alice", ["server"] = "vault.lockbox.example" };
        var identities = new OpaqueIdentities(Encoding.UTF8.GetBytes("alice"), Encoding.UTF8.GetBytes("vault.lockbox.example"));
        using ServerKeyPair keyPair = ServerKeyPair.Generate();
        using OprfSeed oprfSeed = OprfSeed.Generate();
        var server = new OpaqueServer(keyPair);
        (RegistrationRecord record, byte[] exportKey) = Register(server, oprfSeed, identifiers);

        JsonObject start = CallOk(new JsonObject { ["op"] = "client-login-start", ["password"] = Password });
        KE2 ke2 = server.GenerateKE2(KE1.Parse(Bytes(start, "startLoginRequest")), record, oprfSeed, CredentialIdentifier, out ServerLoginState state, identities);
        JsonObject finish = CallOk(new JsonObject
        {
            ["op"] = "client-login-finish",
            ["password"] = Password,
            ["clientLoginState"] = Str(start, "clientLoginState"),
            ["loginResponse"] = B64(ke2.Serialize()),
            ["identifiers"] = identifiers.DeepClone(),
        });
        Assert.Equal(Bytes(finish, "sessionKey"), OpaqueServer.ServerFinish(state, KE3.Parse(Bytes(finish, "finishLoginRequest"))));
        Assert.Equal(exportKey, Bytes(finish, "exportKey"));
        state.Dispose();
    }
}
