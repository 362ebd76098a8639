using System.Security.Cryptography;
using Lockbox.Opaque;
using Lockbox.Vault.Core.Opaque;

namespace Lockbox.Vault.Tests.Attacks;

/// <summary>
/// Issue 9, finding 11. The fake KE2 for an unknown account is GenerateKE2 over the server's fixed fake record
/// (docs/PROTOCOL.md §7): no key pair derived per request. Shown by reproducing the vault's fake KE2 byte for
/// byte from <see cref="OpaqueServer.CreateFakeRecord(ReadOnlySpan{byte})"/> with the same randomness.
/// </summary>
public sealed class UnknownAccountCostsTheSameAsARealOneTests
{
    [Fact]
    public void TheFakeKe2UsesTheServersFixedFakeRecord()
    {
        using ServerKeyPair keyPair = ServerKeyPair.Generate();
        byte[] privateKey = new byte[ServerKeyPair.KeySize];
        keyPair.ExportPrivateKey(privateKey);
        using var adapter = new OpaqueServerAdapter(ServerKeyPair.FromPrivateKey(privateKey));
        var server = new OpaqueServer(keyPair, OpaqueConfiguration.Default);
        byte[] seed = RandomNumberGenerator.GetBytes(32);
        byte[] randomness = RandomNumberGenerator.GetBytes(adapter.KE2RandomnessLength);
        using ClientLoginState login = new OpaqueClient().GenerateKE1("pw"u8);

        LoginStartResult fake = adapter.GenerateKE2(default, "nobody"u8, seed, login.KE1.Serialize(), randomness)!;
        KE2 expected = server.GenerateKE2(login.KE1, server.CreateFakeRecord(randomness.AsSpan(96, 64)), seed,
            randomness[..32], randomness.AsSpan(32, 32), randomness.AsSpan(64, 32), out ServerLoginState state);
        state.Dispose();

        Assert.Equal(160, adapter.KE2RandomnessLength);
        Assert.Equal(expected.Serialize(), fake.KE2);
    }
}
