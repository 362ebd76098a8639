namespace Lockbox.Opaque.Tests.Examples;

/// <summary>One OpaqueServer serves many logins at once: it holds no per-login state.</summary>
public sealed class ConcurrencyTests
{
    [Fact]
    public void ParallelLoginsOnOneServerAllSucceedWithDistinctSessionKeys()
    {
        var configuration = new OpaqueConfiguration([], KeyStretching.Identity);
        using ServerKeyPair keyPair = ServerKeyPair.Generate();
        using OprfSeed oprfSeed = OprfSeed.Generate();
        var server = new OpaqueServer(keyPair, configuration);
        var client = new OpaqueClient(configuration);
        byte[] password = "pw-parallel"u8.ToArray();
        byte[] id = "parallel"u8.ToArray();
        using ClientRegistrationState registration = client.CreateRegistrationRequest(password);
        using ClientRegistrationResult registered = client.FinalizeRegistrationRequest(
            registration, password, server.CreateRegistrationResponse(registration.Request, oprfSeed, id));

        var keys = new System.Collections.Concurrent.ConcurrentBag<string>();
        Parallel.For(0, 64, _ =>
        {
            using ClientLoginState login = client.GenerateKE1(password);
            KE2 ke2 = server.GenerateKE2(login.KE1, registered.Record, oprfSeed, id, out ServerLoginState state);
            using ClientLoginResult? result = client.GenerateKE3(login, password, ke2);
            Assert.NotNull(result);
            Assert.Equal(result.SessionKey.ToArray(), OpaqueServer.ServerFinish(state, result.KE3));
            Assert.Equal(registered.ExportKey.ToArray(), result.ExportKey.ToArray());
            keys.Add(Convert.ToHexString(result.SessionKey));
            state.Dispose();
        });
        Assert.Equal(64, keys.Distinct().Count());
    }
}
