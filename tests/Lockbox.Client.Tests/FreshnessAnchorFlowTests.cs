using Lockbox.Client.Tests.Support;
using Lockbox.Client.Vault;
using Lockbox.Repository;

namespace Lockbox.Client.Tests;

/// <summary>
/// The vault's freshness anchor in the SDK's flows (issue 10): each backup in password mode advances it to the new
/// snapshot, and a new phone restoring with the password refuses a store that hides the newest backup, before it
/// writes anything. Real vault on loopback, real folder store; the hostile store deletes a snapshot object.
/// </summary>
public sealed class FreshnessAnchorFlowTests : IAsyncLifetime
{
    private const string Password = "correct horse battery staple";
    private readonly TempFolder _folder = new();
    private TestVault _vault = null!;

    public async Task InitializeAsync() => _vault = await TestVault.StartAsync();

    public async Task DisposeAsync()
    {
        await _vault.DisposeAsync();
        _folder.Dispose();
    }

    private string Repository => _folder.Sub("cloud");

    /// <summary>The phone enables password mode and backs up twice; each backup anchors its snapshot at the vault.</summary>
    private async Task<(VaultClientOptions Vault, SnapshotSummary First, SnapshotSummary Second)> TwoBackupsAsync(string account)
    {
        (string database, string media) = ChatApp.Create(_folder.Sub("phone-chat"), messages: 300);
        VaultClientOptions vault = _vault.Options(account);
        LockboxClient phone = Device.Client(_folder.Sub("phone"), vault: vault);
        await phone.CreateAsync(Repository, new PasswordEscrow { Vault = vault, Password = Password });

        BackupResult first = await phone.BackupAsync(Repository, new BackupSource(database, media, "phone"));
        Assert.Null(first.AnchorWarning);
        Assert.Equal(1, first.Anchor!.Sequence);
        Assert.Equal(Convert.FromHexString(first.Snapshot.Id), first.Anchor.Hash.ToArray());

        ChatApp.AddMessages(database, 300, 10);
        BackupResult second = await phone.BackupAsync(Repository, new BackupSource(database, media, "phone"));
        Assert.Null(second.AnchorWarning);
        Assert.Equal(2, second.Anchor!.Sequence);
        Assert.Equal(Convert.FromHexString(second.Snapshot.Id), second.Anchor.Hash.ToArray());
        return (vault, first.Snapshot, second.Snapshot);
    }

    [Fact]
    public async Task ANewPhoneRefusesAStoreThatDeletedTheNewestSnapshot()
    {
        (VaultClientOptions vault, SnapshotSummary first, SnapshotSummary second) = await TwoBackupsAsync("erin@example.com");
        // The hostile store drops the newest snapshot object: what is left is a valid, older repository.
        File.Delete(Path.Combine(Repository, "snapshots", second.Id));
        Assert.Equal([first.Id], Directory.GetFiles(Path.Combine(Repository, "snapshots")).Select(Path.GetFileName));

        LockboxClient newPhone = Device.Client(_folder.Sub("new-phone"));
        VaultException stale = await Assert.ThrowsAsync<VaultException>(() => newPhone.RestoreWithPasswordAsync(Repository, vault, Password,
            new RestoreOptions { TargetDirectory = _folder.Sub("restored") }));

        Assert.Equal(VaultFailure.StaleStore, stale.Failure);
        Assert.Equal("The store's newest snapshot is number 1, but the vault says this account backed up number 2: the store is hiding newer backups (or is an old copy). Nothing was restored.", stale.Message);
        Assert.False(Directory.Exists(_folder.Sub("restored")));
        Assert.False(newPhone.State.HasKey);
    }

    [Fact]
    public async Task ANewPhoneRestoresTheAnchoredSnapshotFromAnHonestStore()
    {
        (VaultClientOptions vault, _, SnapshotSummary second) = await TwoBackupsAsync("frank@example.com");

        LockboxClient newPhone = Device.Client(_folder.Sub("new-phone"));
        RestoreResult restored = await newPhone.RestoreWithPasswordAsync(Repository, vault, Password,
            new RestoreOptions { TargetDirectory = _folder.Sub("restored") });

        Assert.Equal(second.Id, restored.SnapshotId);
        Assert.True(newPhone.State.HasKey);
    }

    [Fact]
    public async Task TheRecoveredKeyCarriesTheAnchorAndAnOlderStoreIsRefusedThroughWithKey()
    {
        (VaultClientOptions vault, _, SnapshotSummary second) = await TwoBackupsAsync("grace@example.com");
        File.Delete(Path.Combine(Repository, "snapshots", second.Id));

        LockboxClient newPhone = Device.Client(_folder.Sub("new-phone"));
        using KeyRecovery recovery = await newPhone.RecoverKeyAsync(vault, (a, _) => a.Number == 1 ? Password : null);
        Assert.Equal(2, recovery.Anchor!.Sequence);
        VaultException stale = await Assert.ThrowsAsync<VaultException>(() => newPhone.WithKey(recovery).RestoreAsync(Repository,
            new RestoreOptions { TargetDirectory = _folder.Sub("restored") }));
        Assert.Equal(VaultFailure.StaleStore, stale.Failure);
        Assert.False(Directory.Exists(_folder.Sub("restored")));
    }

    [Fact]
    public async Task AVaultThatRefusesTheAnchorIsAWarningAndTheBackupStands()
    {
        (string database, string media) = ChatApp.Create(_folder.Sub("phone-chat"), messages: 100);
        VaultClientOptions vault = _vault.Options("heidi@example.com");
        await Device.Client(_folder.Sub("phone")).CreateAsync(Repository, new PasswordEscrow { Vault = vault, Password = Password });
        VaultClientOptions rejected = _vault.Options("heidi@example.com").WithToken(_vault.Options("mallory@example.com").AccountToken);
        LockboxClient phone = Device.Client(_folder.Sub("phone"), vault: rejected);

        BackupResult result = await phone.BackupAsync(Repository, new BackupSource(database, media, "phone"));

        Assert.Null(result.Anchor);
        Assert.StartsWith("Snapshot #1 is saved, but the vault's freshness anchor was not advanced to it (", result.AnchorWarning, StringComparison.Ordinal);
        Assert.Equal([result.Snapshot.Id], (await phone.ListSnapshotsAsync(Repository)).Select(s => s.Id));
    }

    [Fact]
    public async Task ARepositoryWithoutEscrowAdvancesNoAnchor()
    {
        (string database, string media) = ChatApp.Create(_folder.Sub("phone-chat"), messages: 100);
        LockboxClient phone = Device.Client(_folder.Sub("phone"), vault: _vault.Options("ivan@example.com"));
        await phone.CreateAsync(Repository);

        BackupResult result = await phone.BackupAsync(Repository, new BackupSource(database, media, "phone"));

        Assert.Null(result.Anchor);
        Assert.Null(result.AnchorWarning);
    }
}
