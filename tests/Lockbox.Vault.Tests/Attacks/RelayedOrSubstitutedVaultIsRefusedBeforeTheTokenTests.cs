using Lockbox.Client.Vault;
using Lockbox.Cryptography;
using Lockbox.Vault.Server.Hosting;
using Lockbox.Vault.Tests.EndToEnd;
using Lockbox.Vault.Tests.Support;

namespace Lockbox.Vault.Tests.Attacks;

/// <summary>
/// Issue 9, findings 6 and 7. A hostile store's hint address (here a relay on loopback forwarding to the
/// genuine vault, byte for byte) or a second vault with another fleet key, or a mistyped pinned key: the
/// device finds out from the signed hello, before the account token leaves it and before any guess is counted.
/// </summary>
public sealed class RelayedOrSubstitutedVaultIsRefusedBeforeTheTokenTests
{
    private const string Password = "relay me if you can";

    private static VaultClient Device(Uri url, string account, string token, byte[] pinned) => new(new VaultClientOptions
    {
        VaultUrl = url,
        AccountId = account,
        AccountToken = token,
        FleetPublicKey = pinned,
        KeyStretching = KeyStretchingPresets.Test,
    });

    [Fact]
    public async Task AFaithfulRelayIsRefusedBeforeTheTokenIsSentAndCostsNoGuess()
    {
        await using VaultUnderTest vault = await VaultUnderTest.StartAsync();
        string account = DeviceClients.NewAccount();
        using BackupKey key = BackupKey.Generate();
        using (VaultClient owner = vault.Device(account))
            await owner.EnrolAsync(Password, key);
        await using RelayProxy relay = await RelayProxy.StartAsync();
        relay.Target = vault.Vault.BaseAddress;

        using VaultClient fooled = Device(relay.BaseAddress, account, vault.Token(account), vault.FleetKey());
        VaultException e = await Assert.ThrowsAsync<VaultException>(() => fooled.RecoverAsync(Password));

        Assert.Equal(VaultFailure.NotAuthentic, e.Failure);
        Assert.Contains("does not list", e.Message, StringComparison.Ordinal);
        Assert.Equal(["/v1/hello"], relay.Seen.Select(s => s.Path));
        Assert.DoesNotContain(relay.Seen, s => s.Authorization);
        Assert.Equal(10, (await vault.Client(account).StatusAsync()).GuessesLeft);
    }

    [Fact]
    public async Task ASecondVaultWithAnotherFleetKeyGetsNeitherTokenNorRecord()
    {
        await using VaultUnderTest vault = await VaultUnderTest.StartAsync();
        await using VaultUnderTest impostor = await VaultUnderTest.StartAsync();
        await using RelayProxy tap = await RelayProxy.StartAsync();
        tap.Target = impostor.Vault.BaseAddress;
        string account = DeviceClients.NewAccount();
        using BackupKey key = BackupKey.Generate();

        using VaultClient fooled = Device(tap.BaseAddress, account, vault.Token(account), vault.FleetKey());
        VaultException e = await Assert.ThrowsAsync<VaultException>(() => fooled.EnrolAsync(Password, key));

        Assert.Equal(VaultFailure.NotAuthentic, e.Failure);
        Assert.Equal(["/v1/hello"], tap.Seen.Select(s => s.Path));
        Assert.DoesNotContain(tap.Seen, s => s.Authorization);
        Assert.False((await impostor.Vault.Node.ReadStateAsync()).Accounts.ContainsKey(account));
    }

    [Fact]
    public async Task AWrongPinnedKeyCostsZeroGuessesHoweverOftenItIsTried()
    {
        await using VaultUnderTest vault = await VaultUnderTest.StartAsync();
        await using VaultUnderTest other = await VaultUnderTest.StartAsync();
        string account = DeviceClients.NewAccount();
        using BackupKey key = BackupKey.Generate();
        using (VaultClient owner = vault.Device(account))
            await owner.EnrolAsync(Password, key);

        for (int i = 0; i < 12; i++)
        {
            using VaultClient stale = vault.Device(account, pinnedKey: other.FleetKey());
            Assert.Equal(VaultFailure.NotAuthentic, (await Assert.ThrowsAsync<VaultException>(() => stale.RecoverAsync(Password))).Failure);
        }

        Assert.Equal(10, (await vault.Client(account).StatusAsync()).GuessesLeft);
        using VaultClient right = vault.Device(account);
        using BackupKey recovered = await right.RecoverAsync(Password);
        Assert.True(recovered.SameAs(key));
    }

    [Fact]
    public async Task AFleetKeyOfTheWrongShapeIsOneLineExitTwo()
    {
        await using VaultUnderTest vault = await VaultUnderTest.StartAsync();
        using var world = new PasswordWorld(vault);
        await world.EnrolAndBackUpAsync();
        string real = vault.Vault.FleetPublicKey;

        foreach (string bad in (string[])[real["lbfk1.".Length..], real[..^2], real + "AA", "lbfk1.!!!", System.Buffers.Text.Base64Url.EncodeToString(new byte[32])])
        {
            CliRunner device = world.Device("new-phone");
            device.Environment["LOCKBOX_FLEET_KEY"] = bad;
            CliResult result = await device.RunAsync("restore", "--repo", world.Repository, "--to", world.NewFolder("out"));
            Assert.True(result.ExitCode == 2, result.ToString());
            Assert.Single(result.Error.Trim().Split('\n'));
            Assert.DoesNotContain("Exception", result.Error, StringComparison.Ordinal);
        }
        Assert.Equal(10, (await vault.Client(world.Account).StatusAsync()).GuessesLeft);
    }

    [Fact]
    public async Task AVaultListingTheFrontAddressIsAcceptedThroughIt()
    {
        // The control: a front the operator lists among the vault's public URLs works.
        await using RelayProxy front = await RelayProxy.StartAsync();
        await using VaultUnderTest vault = await VaultUnderTest.StartAsync(options: new VaultServerOptions
        {
            AccountRequestsPerMinute = 100_000, AddressRequestsPerMinute = 100_000, PublicUrls = [front.BaseAddress],
        });
        front.Target = vault.Vault.BaseAddress;
        string account = DeviceClients.NewAccount();
        using BackupKey key = BackupKey.Generate();

        using VaultClient device = Device(front.BaseAddress, account, vault.Token(account), vault.FleetKey());
        await device.EnrolAsync(Password, key);
        using BackupKey recovered = await device.RecoverAsync(Password);

        Assert.True(recovered.SameAs(key));
        Assert.Contains(front.Seen, s => s.Authorization);
    }
}
