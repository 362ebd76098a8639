using Lockbox.Repository;
using Lockbox.Vault.Tests.Support;

namespace Lockbox.Vault.Tests.EndToEnd;

/// <summary>
/// The vault keeps the Argon2id parameters the password was enrolled with (issue 9, finding 5), so a new
/// device stretches the password the same way without being told, whatever it is configured with.
/// </summary>
public sealed class RememberedKeyStretchingTests
{
    [Fact]
    public async Task ANewDeviceRestoresWithTheEnrolledPresetWithoutBeingToldIt()
    {
        await using VaultUnderTest vault = await VaultUnderTest.StartAsync();
        using var world = new PasswordWorld(vault);
        await world.EnrolAndBackUpAsync();   // enrols with LOCKBOX_ARGON2=test

        CliRunner newPhone = world.Device("new-phone");
        newPhone.Environment.Remove("LOCKBOX_ARGON2");
        CliResult restored = await newPhone.RunAsync("restore", "--repo", world.Repository, "--to", world.NewFolder("out"));

        Assert.True(restored.ExitCode == 0, restored.ToString());
        SmallChat.AssertRestored(world.ChatDirectory, world.NewFolder("out"));
    }

    [Fact]
    public async Task TheVaultsParametersWinOverAnExplicitPresetAndNoGuessIsSpent()
    {
        await using VaultUnderTest vault = await VaultUnderTest.StartAsync();
        using var world = new PasswordWorld(vault);
        CliRunner phone = await world.EnrolAndBackUpAsync();

        CliRunner newPhone = world.Device("new-phone");
        CliResult restored = await newPhone.RunAsync("restore", "--repo", world.Repository, "--to", world.NewFolder("out"), "--argon2", "t=2,m=64,p=1");

        Assert.True(restored.ExitCode == 0, restored.ToString());
        Assert.Contains("10 of 10 guesses left", (await phone.RunAsync("password", "status", "--repo", world.Repository)).Out, StringComparison.Ordinal);
    }

    [Fact]
    public async Task RepositoryHintsNoLongerCarryTheParameters()
    {
        await using VaultUnderTest vault = await VaultUnderTest.StartAsync();
        using var world = new PasswordWorld(vault);
        await world.EnrolAndBackUpAsync();

        RepositoryHints? hints = await Client.Vault.VaultHints.ReadAsync(world.Repository);

        Assert.NotNull(hints?.VaultUrl);
        Assert.Null(hints.KeyStretching);
    }
}
