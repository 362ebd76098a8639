using Lockbox.Vault.Tests.Support;

namespace Lockbox.Vault.Tests.EndToEnd;

/// <summary>Password mode at its edges: prompts, a failed init, and the demo's embedded vault.</summary>
public sealed class PasswordCliEdgeTests
{
    [Fact]
    public async Task ANewPasswordIsAskedTwiceAtAHiddenPromptAndMustMatch()
    {
        await using VaultUnderTest vault = await VaultUnderTest.StartAsync();
        using var world = new PasswordWorld(vault);
        CliRunner phone = world.Device("phone", password: null);
        string[] init = ["init", "--repo", world.Repository, "--password", "--vault", world.VaultUrl, "--account", world.Account];

        phone.Typed = new Queue<string>(["first try", "first tyr"]);
        CliResult mismatch = await phone.RunAsync(init);
        Assert.Equal(2, mismatch.ExitCode);
        Assert.Equal("lockbox: The two passwords differ; nothing was changed.", mismatch.Error.Trim());
        Assert.Equal(2, phone.Prompts.Count);
        Assert.False(Directory.Exists(world.Repository));

        phone.Typed = new Queue<string>(["typed twice", "typed twice"]);
        CliResult ok = await phone.RunAsync(init);
        Assert.True(ok.ExitCode == 0, ok.ToString());
        Assert.DoesNotContain("typed twice", ok.Out + ok.Error, StringComparison.Ordinal);

        CliRunner newPhone = world.Device("new-phone", password: null);
        newPhone.Typed = new Queue<string>(["typed twice"]);
        CliResult restore = await newPhone.RunAsync("password", "verify", "--repo", world.Repository);
        Assert.True(restore.ExitCode == 0, restore.ToString());
        Assert.Single(newPhone.Prompts);
        Assert.Contains(world.Account, newPhone.Prompts[0] + restore.Out, StringComparison.Ordinal);
    }

    [Fact]
    public async Task APersonAtThePromptWhoMistypesIsToldTheGuessesLeftAndMayTryAgain()
    {
        await using VaultUnderTest vault = await VaultUnderTest.StartAsync();
        using var world = new PasswordWorld(vault);
        await world.EnrolAndBackUpAsync();

        CliRunner newPhone = world.Device("new-phone", password: null);
        newPhone.Typed = new Queue<string>(["typo one", "typo two", PasswordWorld.Password]);
        CliResult restore = await newPhone.RunAsync("restore", "--repo", world.Repository, "--to", world.NewFolder("out"));
        Assert.True(restore.ExitCode == 0, restore.ToString());
        Assert.Equal(3, newPhone.Prompts.Count);
        Assert.Contains("lockbox: Wrong password: 9 guesses left", restore.Error, StringComparison.Ordinal);
        Assert.Contains("lockbox: Wrong password: 8 guesses left", restore.Error, StringComparison.Ordinal);
        SmallChat.AssertRestored(world.ChatDirectory, world.NewFolder("out"));

        // Three attempts per run at most; the third wrong one ends the command with its exit code.
        CliRunner thief = world.Device("thief", password: null);
        thief.Typed = new Queue<string>(["a", "b", "c", "d"]);
        CliResult stopped = await thief.RunAsync("restore", "--repo", world.Repository, "--to", world.NewFolder("thief"));
        Assert.Equal(11, stopped.ExitCode);
        Assert.Equal(3, thief.Prompts.Count);
        Assert.EndsWith("lockbox: Wrong password: 7 guesses left before the vault erases the escrowed backup key for good.", stopped.Error.Trim(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task AnInitThatCannotCreateTheRepositoryTakesItsEscrowBack()
    {
        await using VaultUnderTest vault = await VaultUnderTest.StartAsync();
        using var world = new PasswordWorld(vault);
        CliRunner phone = await world.EnrolAndBackUpAsync();

        // A second device enrols another account on the same repository folder: the repository exists.
        string other = DeviceClients.NewAccount();
        CliRunner second = world.Device("second");
        second.Environment["LOCKBOX_ACCOUNT_TOKEN"] = vault.Token(other);
        CliResult init = await second.RunAsync("init", "--repo", world.Repository, "--password", "--vault", world.VaultUrl, "--account", other);
        Assert.Equal(4, init.ExitCode);
        CliResult status = await second.RunAsync("password", "status", "--vault", world.VaultUrl, "--account", other);
        Assert.Equal(14, status.ExitCode);
        Assert.Contains("no escrowed key", status.Error, StringComparison.Ordinal);

        // The first account's escrow is untouched.
        Assert.Equal(0, (await phone.RunAsync("password", "verify", "--repo", world.Repository)).ExitCode);
    }

    [Fact]
    public async Task TheDemoRunsPasswordModeAgainstItsEmbeddedVault()
    {
        var demo = new CliRunner(new Dictionary<string, string?>());
        CliResult result = await demo.RunAsync("demo", "--only", "password", "--argon2", "test", "--messages", "300", "--media-mib", "1");
        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Contains("Start a key vault on loopback", result.Out, StringComparison.Ordinal);
        Assert.Contains("Wrong password: 9 guesses left", result.Out, StringComparison.Ordinal);
        Assert.Contains("identical:", result.Out, StringComparison.Ordinal);
    }
}
