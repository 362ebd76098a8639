using Lockbox.Client.Tests.Support;
using Lockbox.Client.Vault;
using Lockbox.Repository;

namespace Lockbox.Client.Tests;

/// <summary>
/// An app's whole life through the SDK alone (docs/SDK.md): enable backups with the key escrowed behind a password in a
/// real vault on loopback, back up a live SQLite database and its media every night, and restore on a new phone with
/// the password or with the 64-digit code.
/// </summary>
public sealed class LifeCycleTests : IAsyncLifetime
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

    [Fact]
    public async Task APhoneEnablesBackupsWithAPasswordAndANewPhoneRestoresWithIt()
    {
        (string database, string media) = ChatApp.Create(_folder.Sub("phone-chat"));
        LockboxClient phone = Device.Client(_folder.Sub("phone"));
        VaultClientOptions vault = _vault.Options("alice@example.com");

        InitResult created = await phone.CreateAsync(Repository, new PasswordEscrow { Vault = vault, Password = Password });
        Assert.Equal(KeyOrigin.Generated, created.KeyOrigin);
        Assert.Equal(10, created.Escrow!.GuessLimit);
        Assert.True(phone.State.HasKey);

        var progress = new RecordingProgress<BackupProgress>();
        SnapshotSummary first = (await phone.BackupAsync(Repository, new BackupSource(database, media, "alice's phone"), progress)).Snapshot;
        Assert.Equal(1, first.Sequence);
        Assert.Equal(2, first.MediaFiles);
        Assert.NotEmpty(progress.Reports);
        BackupProgress last = progress.Reports[^1];
        Assert.Equal(last.BytesTotal, last.BytesDone);

        ChatApp.AddMessages(database, 2_000, 50); // the next night
        SnapshotSummary second = (await phone.BackupAsync(Repository, new BackupSource(database, media, "alice's phone"))).Snapshot;
        Assert.Equal(2, second.Sequence);
        Assert.True(second.BytesAdded < first.BytesAdded / 4, $"the second night added {second.BytesAdded} bytes, the first {first.BytesAdded}");

        // The phone is lost. The new phone knows the repository address, the app's vault settings and the password.
        LockboxClient newPhone = Device.Client(_folder.Sub("new-phone"));
        Assert.False(newPhone.HasKey);
        RestoreKeyChoice choice = await newPhone.ChooseRestoreKeyAsync(Repository, vaultRequested: false);
        Assert.True(choice.UseVault);
        Assert.Equal(vault.VaultUrl.AbsoluteUri, choice.Hints!.VaultUrl);
        Assert.Equal("alice@example.com", choice.Hints.AccountId);

        RestoreResult restored = await newPhone.RestoreWithPasswordAsync(Repository, vault, Password,
            new RestoreOptions { TargetDirectory = _folder.Sub("restored") });

        Assert.Equal(second.Id, restored.SnapshotId);
        ChatApp.AssertRestored(database, media, _folder.Sub("restored"));
        Assert.True(newPhone.State.HasKey);
        Assert.Equal(phone.ShowKey(), newPhone.ShowKey());
        Assert.Equal(2, (await newPhone.ListSnapshotsAsync(Repository)).Count);
    }

    [Fact]
    public async Task ANewPhoneRestoresWithThe64DigitCode()
    {
        (string database, string media) = ChatApp.Create(_folder.Sub("phone-chat"));
        LockboxClient phone = Device.Client(_folder.Sub("phone"));
        InitResult created = await phone.CreateAsync(Repository);
        Assert.Null(created.Escrow);
        await phone.BackupAsync(Repository, new BackupSource(database, media, "phone"));

        LockboxClient newPhone = Device.Client(_folder.Sub("new-phone"), keyDigits: created.KeyDigits.ToUpperInvariant().Replace(' ', '-'));
        RestoreKeyChoice choice = await newPhone.ChooseRestoreKeyAsync(Repository, vaultRequested: false);
        Assert.False(choice.UseVault);
        await newPhone.RestoreAsync(Repository, new RestoreOptions { TargetDirectory = _folder.Sub("restored") });

        ChatApp.AssertRestored(database, media, _folder.Sub("restored"));
        Assert.Equal(created.KeyDigits, Device.Client(_folder.Sub("new-phone")).ShowKey());
        VerifyReport report = await newPhone.VerifyAsync(Repository, readData: true);
        Assert.Empty(report.Problems);
    }

    [Fact]
    public async Task AWrongPasswordIsReportedAsSuchWithTheGuessesLeft()
    {
        (string database, string media) = ChatApp.Create(_folder.Sub("phone-chat"), messages: 100);
        VaultClientOptions vault = _vault.Options("bob@example.com");
        LockboxClient phone = Device.Client(_folder.Sub("phone"));
        await phone.CreateAsync(Repository, new PasswordEscrow { Vault = vault, Password = Password });
        await phone.BackupAsync(Repository, new BackupSource(database, media, "phone"));

        LockboxClient newPhone = Device.Client(_folder.Sub("new-phone"));
        VaultException wrong = await Assert.ThrowsAsync<VaultException>(() => newPhone.RestoreWithPasswordAsync(Repository, vault, "correct horse battery stapler",
            new RestoreOptions { TargetDirectory = _folder.Sub("restored") }));

        Assert.Equal(VaultFailure.WrongPassword, wrong.Failure);
        Assert.Equal(9, wrong.GuessesLeft);
        Assert.False(Directory.Exists(_folder.Sub("restored")));
        Assert.False(newPhone.State.HasKey);
        Assert.Equal(9, (await newPhone.GetEscrowStatusAsync(vault)).GuessesLeft);

        // An app that asks again: the second attempt is told about the first, and the right password clears the count.
        var attempts = new List<PasswordAttempt>();
        using (KeyRecovery recovered = await newPhone.RecoverKeyAsync(vault, (attempt, _) =>
        {
            attempts.Add(attempt);
            return attempt.Number == 1 ? "wrong again" : Password;
        }))
        {
            Assert.Equal(phone.ShowKey(), recovered.Key.ToDigits());
        }
        Assert.Equal([1, 2], attempts.Select(a => a.Number));
        Assert.Null(attempts[0].PreviousFailure);
        Assert.Equal(8, attempts[1].PreviousFailure!.GuessesLeft);
        Assert.Equal(10, (await newPhone.GetEscrowStatusAsync(vault)).GuessesLeft);
    }

    [Fact]
    public async Task AWrongKeyIsReportedAsSuch()
    {
        (string database, string media) = ChatApp.Create(_folder.Sub("phone-chat"), messages: 100);
        LockboxClient phone = Device.Client(_folder.Sub("phone"));
        await phone.CreateAsync(Repository);
        await phone.BackupAsync(Repository, new BackupSource(database, media, "phone"));
        string otherKey = (await Device.Client(_folder.Sub("other")).CreateAsync(_folder.Sub("other-repository"))).KeyDigits;

        LockboxClient newPhone = Device.Client(_folder.Sub("new-phone"), keyDigits: otherKey);
        await Assert.ThrowsAsync<WrongKeyException>(() => newPhone.RestoreAsync(Repository,
            new RestoreOptions { TargetDirectory = _folder.Sub("restored") }));
        Assert.False(newPhone.State.HasKey);

        KeyUnavailableException malformed = await Assert.ThrowsAsync<KeyUnavailableException>(() =>
            Device.Client(_folder.Sub("typo"), keyDigits: "0123 4567").ListSnapshotsAsync(Repository));
        Assert.True(malformed.Malformed);
        Assert.Contains("has 8 digits, not 64", malformed.Message, StringComparison.Ordinal);

        KeyUnavailableException none = await Assert.ThrowsAsync<KeyUnavailableException>(() =>
            Device.Client(_folder.Sub("empty")).ListSnapshotsAsync(Repository));
        Assert.False(none.Malformed);
        Assert.DoesNotContain("'lockbox ", none.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("LOCKBOX_", none.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task TheEscrowIsUndoneWhenTheRepositoryCannotBeCreated()
    {
        // Someone else's repository already lives at the address: creation fails after the escrow succeeded.
        await Device.Client(_folder.Sub("someone")).CreateAsync(Repository);
        VaultClientOptions vault = _vault.Options("carol@example.com");
        LockboxClient phone = Device.Client(_folder.Sub("phone"));

        await Assert.ThrowsAsync<RepositoryExistsException>(() =>
            phone.CreateAsync(Repository, new PasswordEscrow { Vault = vault, Password = Password }));

        VaultException status = await Assert.ThrowsAsync<VaultException>(() => phone.GetEscrowStatusAsync(vault));
        Assert.Equal(VaultFailure.NotEnrolled, status.Failure);
        InitResult second = await phone.CreateAsync(_folder.Sub("cloud-2"), new PasswordEscrow { Vault = vault, Password = Password });
        Assert.Equal(10, second.Escrow!.GuessesLeft);
    }

    [Fact]
    public async Task ThePasswordIsChangedVerifiedResetAndTheEscrowDisabledFromTheOriginalDevice()
    {
        VaultClientOptions vault = _vault.Options("dave@example.com");
        LockboxClient phone = Device.Client(_folder.Sub("phone"));
        await phone.CreateAsync(Repository, new PasswordEscrow { Vault = vault, Password = Password });

        PasswordCheck check = await phone.VerifyPasswordAsync(vault, Password);
        Assert.True(check.ComparedWithDeviceKey);

        await phone.ChangePasswordAsync(vault, "a new one");
        Assert.Equal(VaultFailure.WrongPassword, (await Assert.ThrowsAsync<VaultException>(() => phone.VerifyPasswordAsync(vault, Password))).Failure);
        await phone.ChangePasswordAsync(vault, "a third one", oldPassword: "a new one");
        await phone.ResetPasswordAsync(vault, "forgot it, so a fourth");
        Assert.True((await phone.VerifyPasswordAsync(vault, "forgot it, so a fourth")).ComparedWithDeviceKey);

        // A device without the key can neither reset nor disable.
        LockboxClient stranger = Device.Client(_folder.Sub("stranger"));
        Assert.Contains("Resetting the password", (await Assert.ThrowsAsync<KeyUnavailableException>(() =>
            stranger.ResetPasswordAsync(vault, "mine now"))).Message, StringComparison.Ordinal);
        await Assert.ThrowsAsync<KeyUnavailableException>(() => stranger.DisableEscrowAsync(vault));

        await phone.DisableEscrowAsync(vault);
        Assert.Equal(VaultFailure.NotEnrolled, (await Assert.ThrowsAsync<VaultException>(() => phone.GetEscrowStatusAsync(vault))).Failure);
    }
}
