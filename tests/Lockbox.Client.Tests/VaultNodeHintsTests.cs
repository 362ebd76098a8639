using Lockbox.Client.Tests.Support;
using Lockbox.Client.Vault;
using Lockbox.Repository;

namespace Lockbox.Client.Tests;

/// <summary>
/// The repository remembers every node of a replicated vault (issue 10), so a new device that knows only the
/// repository address (no vault address of its own) fails over when the node the original device used is down.
/// </summary>
public sealed class VaultNodeHintsTests
{
    private const string Password = "correct horse battery staple";

    [Fact]
    public async Task EscrowRemembersEveryNodeAndANewPhoneFailsOverFromTheHintsAlone()
    {
        using var folder = new TempFolder();
        await using TestCluster cluster = await TestCluster.StartAsync();
        string repository = folder.Sub("cloud");
        (string database, string media) = ChatApp.Create(folder.Sub("phone-chat"), messages: 200);
        LockboxClient phone = Device.Client(folder.Sub("phone"));
        await phone.CreateAsync(repository, new PasswordEscrow { Vault = cluster.Options("carol@example.com"), Password = Password });
        await phone.BackupAsync(repository, new BackupSource(database, media, "phone"));

        LockboxClient newPhone = Device.Client(folder.Sub("new-phone"));
        RestoreKeyChoice choice = await newPhone.ChooseRestoreKeyAsync(repository, vaultRequested: false);
        Assert.True(choice.UseVault);
        Assert.Equal(string.Join(',', cluster.NodeUrls.Select(u => u.AbsoluteUri)), choice.Hints!.VaultUrl);
        IReadOnlyList<Uri> remembered = VaultHints.NodeUrls(choice.Hints);
        Assert.Equal(cluster.NodeUrls, remembered);

        // The node the phone talked to first is gone; the new phone has only the repository's hints.
        await cluster.StopAsync(cluster.Members[0].Id);
        VaultClientOptions fromHints = cluster.Options(choice.Hints.AccountId!, remembered);
        await newPhone.RestoreWithPasswordAsync(repository, fromHints, Password, new RestoreOptions { TargetDirectory = folder.Sub("restored") });
        ChatApp.AssertRestored(database, media, folder.Sub("restored"));
    }

    [Fact]
    public async Task ASingleUrlHintFromBeforeReadsAsOneNode()
    {
        using var folder = new TempFolder();
        string repository = folder.Sub("cloud");
        await Device.Client(folder.Sub("phone")).InitAsync(repository, new RepositoryHints("https://vault.example.com:8443/", "dave@example.com"));

        RepositoryHints? hints = await VaultHints.ReadAsync(repository);
        Assert.Equal([new Uri("https://vault.example.com:8443/")], VaultHints.NodeUrls(hints));
        Assert.Empty(VaultHints.NodeUrls(null));
        Assert.Equal([new Uri("http://127.0.0.1:1/")], VaultHints.NodeUrls(new RepositoryHints("ftp://x/, http://127.0.0.1:1/ ,not a url", "a")));
    }

    [Fact]
    public void NodeUrlsAreFormattedInOrderAndRoundTrip()
    {
        Uri[] nodes = [new("http://127.0.0.1:2/"), new("http://127.0.0.1:1/")];
        string hint = VaultHints.FormatNodeUrls(nodes);
        Assert.Equal("http://127.0.0.1:2/,http://127.0.0.1:1/", hint);
        Assert.Equal(nodes, VaultHints.NodeUrls(new RepositoryHints(hint, "a")));
        Assert.Throws<ArgumentException>(() => VaultHints.FormatNodeUrls([]));
    }
}
