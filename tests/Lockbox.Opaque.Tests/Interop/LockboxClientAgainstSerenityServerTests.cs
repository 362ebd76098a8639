using System.Text;
using System.Text.Json.Nodes;
using static Lockbox.Opaque.Tests.Interop.SerenityPeer;

namespace Lockbox.Opaque.Tests.Interop;

/// <summary>
/// Lockbox's client (default configuration: empty context, Argon2id t=3, m=64 MiB, p=4) registers and logs
/// in to opaque-ke's server (@serenity-kit/opaque): the keys agree, and a wrong password fails.
/// </summary>
public sealed class LockboxClientAgainstSerenityServerTests
{
    private static readonly byte[] Password = "correct horse battery staple"u8.ToArray();
    private const string UserIdentifier = "alice@lockbox";

    private static (string ServerSetup, byte[] ServerPublicKey, string Record, byte[] ExportKey) Register(OpaqueClient client)
    {
        JsonObject setup = CallOk(new JsonObject { ["op"] = "server-setup" });
        string serverSetup = Str(setup, "serverSetup");
        using ClientRegistrationState state = client.CreateRegistrationRequest(Password);
        JsonObject response = CallOk(new JsonObject
        {
            ["op"] = "server-register",
            ["serverSetup"] = serverSetup,
            ["userIdentifier"] = UserIdentifier,
            ["registrationRequest"] = B64(state.Request.Serialize()),
        });
        using ClientRegistrationResult result = client.FinalizeRegistrationRequest(
            state, Password, RegistrationResponse.Parse(Bytes(response, "registrationResponse")));
        Assert.Equal(Bytes(setup, "serverPublicKey"), result.ServerPublicKey.ToArray());
        return (serverSetup, Bytes(setup, "serverPublicKey"), B64(result.Record.Serialize()), result.ExportKey.ToArray());
    }

    private static JsonObject StartLogin(string serverSetup, string record, ClientLoginState login) =>
        CallOk(new JsonObject
        {
            ["op"] = "server-login-start",
            ["serverSetup"] = serverSetup,
            ["userIdentifier"] = UserIdentifier,
            ["registrationRecord"] = record,
            ["startLoginRequest"] = B64(login.KE1.Serialize()),
        });

    [Fact]
    public void LockboxClientRegistersAndLogsInWithMatchingKeys()
    {
        var client = new OpaqueClient();
        (string serverSetup, byte[] serverPublicKey, string record, byte[] exportKey) = Register(client);

        using ClientLoginState login = client.GenerateKE1(Password);
        JsonObject ke2 = StartLogin(serverSetup, record, login);
        using ClientLoginResult? result = client.GenerateKE3(login, Password, KE2.Parse(Bytes(ke2, "loginResponse")));
        Assert.NotNull(result);
        Assert.Equal(exportKey, result.ExportKey.ToArray());
        Assert.Equal(serverPublicKey, result.ServerPublicKey.ToArray());

        JsonObject finish = CallOk(new JsonObject
        {
            ["op"] = "server-login-finish",
            ["serverLoginState"] = Str(ke2, "serverLoginState"),
            ["finishLoginRequest"] = B64(result.KE3.Serialize()),
        });
        Assert.Equal(result.SessionKey.ToArray(), Bytes(finish, "sessionKey"));
    }

    [Fact]
    public void LockboxClientWithWrongPasswordFailsAndSerenityServerRejectsAForeignKe3()
    {
        var client = new OpaqueClient();
        (string serverSetup, _, string record, _) = Register(client);

        using ClientLoginState wrong = client.GenerateKE1("wrong password"u8);
        JsonObject ke2 = StartLogin(serverSetup, record, wrong);
        Assert.Null(client.GenerateKE3(wrong, "wrong password"u8, KE2.Parse(Bytes(ke2, "loginResponse"))));

        // A KE3 from another (successful) session does not finish this one on opaque-ke's server either.
        using ClientLoginState other = client.GenerateKE1(Password);
        JsonObject otherKe2 = StartLogin(serverSetup, record, other);
        using ClientLoginResult? otherResult = client.GenerateKE3(other, Password, KE2.Parse(Bytes(otherKe2, "loginResponse")));
        Assert.NotNull(otherResult);
        JsonObject finish = Call(new JsonObject
        {
            ["op"] = "server-login-finish",
            ["serverLoginState"] = Str(ke2, "serverLoginState"),
            ["finishLoginRequest"] = B64(otherResult.KE3.Serialize()),
        });
        Assert.False(finish["ok"]!.GetValue<bool>());
    }

    [Fact]
    public void UnknownUserOnSerenityServerAndOnLockboxServerBothFailTheSameWay()
    {
        var client = new OpaqueClient();
        JsonObject setup = CallOk(new JsonObject { ["op"] = "server-setup" });

        using ClientLoginState login = client.GenerateKE1(Password);
        JsonObject ke2 = CallOk(new JsonObject
        {
            ["op"] = "server-login-start",
            ["serverSetup"] = Str(setup, "serverSetup"),
            ["userIdentifier"] = "nobody",
            ["startLoginRequest"] = B64(login.KE1.Serialize()),
        });
        Assert.Equal(KE2.Size, Bytes(ke2, "loginResponse").Length);
        Assert.Null(client.GenerateKE3(login, Password, KE2.Parse(Bytes(ke2, "loginResponse"))));

        using ServerKeyPair keyPair = ServerKeyPair.Generate();
        using OprfSeed oprfSeed = OprfSeed.Generate();
        var server = new OpaqueServer(keyPair);
        using ClientLoginState login2 = client.GenerateKE1(Password);
        KE2 fake = server.GenerateKE2(login2.KE1, null, oprfSeed, Encoding.UTF8.GetBytes("nobody"), out ServerLoginState state);
        Assert.Null(client.GenerateKE3(login2, Password, fake));
        state.Dispose();
    }
}
