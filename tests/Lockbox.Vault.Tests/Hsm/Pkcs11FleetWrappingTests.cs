using Lockbox.Vault.Core;
using Lockbox.Vault.Core.Hsm;
using Lockbox.Vault.Hsm.Pkcs11;
using Lockbox.Vault.Tests.Support;

namespace Lockbox.Vault.Tests.Hsm;

/// <summary>
/// The fleet ceremony across real SoftHSM2 tokens (docs/VAULT-API.md, "Fleet secrets"): the ceremony token wraps
/// its secrets for a joining token's RSA key, which unwraps them into objects nobody can read or wrap again.
/// </summary>
[Collection(Pkcs11Collection.Name)]
public sealed class Pkcs11FleetWrappingTests
{
    private static readonly byte[] Aad = "lockbox/test/fleet"u8.ToArray();
    private static readonly byte[] Context = "fleet key, server key, guess limit"u8.ToArray();

    private static Pkcs11HsmOptions Token(int node, string prefix, string pin = SoftHsm.UserPin)
    {
        _ = SoftHsm.TokenDirectory;
        return new Pkcs11HsmOptions { LibraryPath = SoftHsm.LibraryPath, TokenLabel = SoftHsm.NodeTokens[node], Pin = pin, KeyLabelPrefix = prefix };
    }

    private static byte[] Seed(IHsm hsm, string account)
    {
        byte[] seed = new byte[OprfKeySeed.Size];
        hsm.DeriveOprfKeySeed(System.Text.Encoding.UTF8.GetBytes(account), seed);
        return seed;
    }

    [Fact]
    public void AProvisionedTokenDerivesTheSameOprfKeySeedsAndOpensTheCeremonysSealedData()
    {
        string prefix = SoftHsm.NewKeyPrefix();
        using Pkcs11Hsm ceremony = Pkcs11Hsm.Create(Token(0, prefix));
        ProvisioningKey request = Pkcs11Hsm.RequestProvisioning(Token(1, prefix));
        WrappedFleetSecrets wrapped = ceremony.WrapFor(request, Context);
        Assert.Equal(request.Fingerprint, wrapped.Recipient);
        using Pkcs11Hsm joined = Pkcs11Hsm.AcceptFleetSecrets(Token(1, prefix), wrapped, Context, _ => true);

        foreach (string account in new[] { "alice", "bob+1@example", "an account id of some length" })
            Assert.Equal(Seed(ceremony, account), Seed(joined, account));
        Assert.NotEqual(Seed(ceremony, "alice"), Seed(ceremony, "bob+1@example"));
        Assert.Equal("sealed on node 1"u8.ToArray(), joined.Open(ceremony.Seal("sealed on node 1"u8, Aad), Aad));
        Assert.Equal("sealed on node 2"u8.ToArray(), ceremony.Open(joined.Seal("sealed on node 2"u8, Aad), Aad));

        // The provisioned token opens its keys again by label after a restart of the vault.
        joined.Dispose();
        using Pkcs11Hsm reopened = Pkcs11Hsm.Open(Token(1, prefix));
        Assert.Equal(Seed(ceremony, "alice"), Seed(reopened, "alice"));
    }

    [Fact]
    public void ProvisionedSecretsAreSensitiveAndNotExtractableAndTheCeremonysCanBeWrappedButNeverRead()
    {
        string prefix = SoftHsm.NewKeyPrefix();
        using Pkcs11Hsm ceremony = Pkcs11Hsm.Create(Token(0, prefix));
        using Pkcs11Hsm joined = Pkcs11Hsm.AcceptFleetSecrets(Token(1, prefix), ceremony.WrapFor(Pkcs11Hsm.RequestProvisioning(Token(1, prefix)), Context), Context, _ => true);

        Assert.All(ceremony.InspectKeys(), k => Assert.Equal((true, true, false), k));
        Assert.All(joined.InspectKeys(), k => Assert.Equal((true, false, false), k));

        // A provisioned node cannot pass the secrets on: only the ceremony token wraps.
        ProvisioningKey third = Pkcs11Hsm.RequestProvisioning(Token(2, prefix));
        Assert.Contains("not extractable", Assert.Throws<VaultConfigurationException>(() => joined.WrapFor(third, Context)).Message, StringComparison.Ordinal);
    }

    [Fact]
    public void SecretsWrappedForOneTokenDoNotUnwrapInAnother()
    {
        string prefix = SoftHsm.NewKeyPrefix();
        using Pkcs11Hsm ceremony = Pkcs11Hsm.Create(Token(0, prefix));
        ProvisioningKey forB = Pkcs11Hsm.RequestProvisioning(Token(1, prefix));
        ProvisioningKey forC = Pkcs11Hsm.RequestProvisioning(Token(2, prefix));
        WrappedFleetSecrets wrappedForB = ceremony.WrapFor(forB, Context);

        Assert.Contains("wrapped for another token", Assert.Throws<VaultConfigurationException>(
            () => Pkcs11Hsm.AcceptFleetSecrets(Token(2, prefix), wrappedForB, Context, _ => true)).Message, StringComparison.Ordinal);
        // Even named for C, B's blobs do not unwrap with C's private key.
        Assert.Contains("do not unwrap", Assert.Throws<VaultConfigurationException>(
            () => Pkcs11Hsm.AcceptFleetSecrets(Token(2, prefix), wrappedForB with { Recipient = forC.Fingerprint }, Context, _ => true)).Message, StringComparison.Ordinal);
        Assert.Contains("no vault keys", Assert.Throws<VaultConfigurationException>(() => Pkcs11Hsm.Open(Token(2, prefix))).Message, StringComparison.Ordinal);

        // C's request is still pending and works with what was wrapped for it.
        using Pkcs11Hsm c = Pkcs11Hsm.AcceptFleetSecrets(Token(2, prefix), ceremony.WrapFor(forC, Context), Context, _ => true);
        Assert.Equal(Seed(ceremony, "carol"), Seed(c, "carol"));
    }

    [Fact]
    public void ATamperedOrUnverifiedWrappedFileIsRefusedAndLeavesTheTokenAsItWas()
    {
        string prefix = SoftHsm.NewKeyPrefix();
        using Pkcs11Hsm ceremony = Pkcs11Hsm.Create(Token(0, prefix));
        ProvisioningKey request = Pkcs11Hsm.RequestProvisioning(Token(1, prefix));
        WrappedFleetSecrets wrapped = ceremony.WrapFor(request, Context);

        foreach (int at in new[] { 0, 100, wrapped.OprfSeed.Length - 1 })
        {
            byte[] seed = (byte[])wrapped.OprfSeed.Clone();
            seed[at] ^= 0x01;
            Assert.Contains("do not unwrap", Assert.Throws<VaultConfigurationException>(
                () => Pkcs11Hsm.AcceptFleetSecrets(Token(1, prefix), wrapped with { OprfSeed = seed }, Context, _ => true)).Message, StringComparison.Ordinal);
        }
        byte[] key = (byte[])wrapped.SealingKey.Clone();
        key[7] ^= 0x80;
        Assert.Contains("do not unwrap", Assert.Throws<VaultConfigurationException>(
            () => Pkcs11Hsm.AcceptFleetSecrets(Token(1, prefix), wrapped with { SealingKey = key }, Context, _ => true)).Message, StringComparison.Ordinal);
        Assert.Throws<VaultConfigurationException>(
            () => Pkcs11Hsm.AcceptFleetSecrets(Token(1, prefix), wrapped with { OprfSeed = wrapped.SealingKey, SealingKey = wrapped.OprfSeed }, Context, _ => true));
        byte[] check = (byte[])wrapped.Check.Clone();
        check[^1] ^= 0x01;
        foreach (WrappedFleetSecrets bad in new[] { wrapped with { Check = check }, wrapped with { Check = ceremony.WrapFor(Pkcs11Hsm.RequestProvisioning(Token(2, prefix)), Context).Check } })
            Assert.Contains("do not match", Assert.Throws<VaultConfigurationException>(
                () => Pkcs11Hsm.AcceptFleetSecrets(Token(1, prefix), bad, Context, _ => true)).Message, StringComparison.Ordinal);
        Assert.Contains("do not match", Assert.Throws<VaultConfigurationException>(
            () => Pkcs11Hsm.AcceptFleetSecrets(Token(1, prefix), wrapped, "another fleet's public facts"u8, _ => true)).Message, StringComparison.Ordinal);
        Assert.Contains("do not match", Assert.Throws<VaultConfigurationException>(
            () => Pkcs11Hsm.AcceptFleetSecrets(Token(1, prefix), wrapped, Context, _ => false)).Message, StringComparison.Ordinal);
        Assert.Contains("no vault keys", Assert.Throws<VaultConfigurationException>(() => Pkcs11Hsm.Open(Token(1, prefix))).Message, StringComparison.Ordinal);

        using Pkcs11Hsm joined = Pkcs11Hsm.AcceptFleetSecrets(Token(1, prefix), wrapped, Context, _ => true);
        Assert.Equal(Seed(ceremony, "dave"), Seed(joined, "dave"));
    }

    [Fact]
    public void AProvisionedTokenRefusesASecondRequestOrAcceptAndAWrongPinIsOneClearLine()
    {
        string prefix = SoftHsm.NewKeyPrefix();
        using Pkcs11Hsm ceremony = Pkcs11Hsm.Create(Token(0, prefix));
        Assert.Contains("PIN", Assert.Throws<VaultConfigurationException>(() => Pkcs11Hsm.RequestProvisioning(Token(1, prefix, pin: "9999"))).Message, StringComparison.Ordinal);
        Assert.Contains("no pending provisioning request", Assert.Throws<VaultConfigurationException>(
            () => Pkcs11Hsm.AcceptFleetSecrets(Token(1, prefix), ceremony.WrapFor(Pkcs11Hsm.RequestProvisioning(Token(2, prefix)), Context), Context, _ => true)).Message, StringComparison.Ordinal);

        ProvisioningKey request = Pkcs11Hsm.RequestProvisioning(Token(1, prefix));
        Assert.Equal(request.Fingerprint, Pkcs11Hsm.RequestProvisioning(Token(1, prefix)).Fingerprint); // a pending request is found again
        WrappedFleetSecrets wrapped = ceremony.WrapFor(request, Context);
        Pkcs11Hsm.AcceptFleetSecrets(Token(1, prefix), wrapped, Context, _ => true).Dispose();

        Assert.Contains("already provisioned", Assert.Throws<VaultConfigurationException>(() => Pkcs11Hsm.RequestProvisioning(Token(1, prefix))).Message, StringComparison.Ordinal);
        Assert.Contains("already provisioned", Assert.Throws<VaultConfigurationException>(
            () => Pkcs11Hsm.AcceptFleetSecrets(Token(1, prefix), wrapped, Context, _ => true)).Message, StringComparison.Ordinal);
        Assert.Contains("already holds keys", Assert.Throws<VaultConfigurationException>(() => Pkcs11Hsm.Create(Token(0, prefix))).Message, StringComparison.Ordinal);
    }
}
