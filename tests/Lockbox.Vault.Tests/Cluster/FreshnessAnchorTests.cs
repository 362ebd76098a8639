using System.Security.Cryptography;
using Lockbox.Client.Vault;
using Lockbox.Cryptography;
using Lockbox.Vault.Tests.EndToEnd;
using Lockbox.Vault.Tests.Support;

namespace Lockbox.Vault.Tests.Cluster;

/// <summary>
/// The freshness anchor (issue 10): the newest snapshot a device backed up, advanced only with the management
/// credential and only forward, released signed with the key, so a new device with no state of its own refuses a
/// store that hides its newest backups.
/// </summary>
public sealed class FreshnessAnchorTests
{
    private const string Password = "correct horse battery staple";

    [Fact]
    public async Task ANewDeviceGetsTheAnchorWithItsKeyAndRefusesAStoreThatHidesTheNewestSnapshot()
    {
        await using VaultUnderTest vault = await VaultUnderTest.StartAsync();
        string account = DeviceClients.NewAccount();
        using BackupKey key = BackupKey.Generate();
        byte[] newest = RandomNumberGenerator.GetBytes(32);
        using (VaultClient phone = vault.Device(account))
        {
            await phone.EnrolAsync(Password, key);
            await phone.AdvanceAnchorAsync(key, 4, RandomNumberGenerator.GetBytes(32));
            FreshnessAnchor anchored = await phone.AdvanceAnchorAsync(key, 5, newest);
            Assert.Equal(5, anchored.Sequence);
        }

        using VaultClient newPhone = vault.Device(account);
        using BackupKey recovered = await newPhone.RecoverAsync(Password);
        FreshnessAnchor anchor = Assert.IsType<FreshnessAnchor>(newPhone.LastAnchor);
        Assert.Equal(5, anchor.Sequence);
        Assert.Equal(newest, anchor.Hash.ToArray());

        Assert.Equal(VaultFailure.StaleStore, Assert.Throws<VaultException>(() => anchor.Check(4, RandomNumberGenerator.GetBytes(32))).Failure);
        Assert.Equal(VaultFailure.StaleStore, Assert.Throws<VaultException>(() => anchor.Check(5, RandomNumberGenerator.GetBytes(32))).Failure);
        anchor.Check(5, newest);
        anchor.Check(6, RandomNumberGenerator.GetBytes(32)); // backed up after the last anchor: not refused
    }

    [Fact]
    public async Task TheAnchorMovesOnlyForwardAndOnlyWithTheManagementCredential()
    {
        await using VaultUnderTest vault = await VaultUnderTest.StartAsync();
        string account = DeviceClients.NewAccount();
        using BackupKey key = BackupKey.Generate();
        using BackupKey other = BackupKey.Generate();
        byte[] hash = RandomNumberGenerator.GetBytes(32);
        using VaultClient phone = vault.Device(account);
        await phone.EnrolAsync(Password, key);
        await phone.AdvanceAnchorAsync(key, 7, hash);

        Assert.Equal(VaultFailure.KeyMismatch, (await Assert.ThrowsAsync<VaultException>(() => phone.AdvanceAnchorAsync(other, 8, hash))).Failure);
        VaultException back = await Assert.ThrowsAsync<VaultException>(() => phone.AdvanceAnchorAsync(key, 6, hash));
        Assert.Contains("only moves forward", back.Message, StringComparison.Ordinal);
        await Assert.ThrowsAsync<VaultException>(() => phone.AdvanceAnchorAsync(key, 7, RandomNumberGenerator.GetBytes(32))); // same number, another snapshot
        Assert.Equal(7, (await phone.AdvanceAnchorAsync(key, 7, hash)).Sequence); // the same anchor again: a retry

        using VaultClient newPhone = vault.Device(account);
        using BackupKey recovered = await newPhone.RecoverAsync(Password);
        Assert.Equal(7, newPhone.LastAnchor!.Sequence);
        Assert.Equal(hash, newPhone.LastAnchor.Hash.ToArray());
    }

    [Fact]
    public async Task WithoutACredentialTheAnchorEndpointAnswersOnlyASigned401()
    {
        await using VaultUnderTest vault = await VaultUnderTest.StartAsync();
        RawHttp.Response response = await RawHttp.SendAsync(vault.Vault.BaseAddress, "POST", "/v1/accounts/amy/anchor", null,
            "{\"managementCredential\":\"AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA\",\"sequence\":9,\"hash\":\"AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA\"}");
        Assert.Equal(401, response.Status);
        Assert.Contains("Lockbox-Signature:", response.Headers, StringComparison.OrdinalIgnoreCase);
    }
}
