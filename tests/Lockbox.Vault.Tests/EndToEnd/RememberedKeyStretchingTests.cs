using Lockbox.Vault.Tests.Support;

namespace Lockbox.Vault.Tests.EndToEnd;

/// <summary>
/// The repository remembers the Argon2id parameters the password was enrolled with, so a new device
/// that is not told them stretches the password the same way instead of burning a guess.
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
    public async Task AnExplicitPresetStillWinsOverTheRememberedOne()
    {
        await using VaultUnderTest vault = await VaultUnderTest.StartAsync();
        using var world = new PasswordWorld(vault);
        await world.EnrolAndBackUpAsync();

        CliRunner newPhone = world.Device("new-phone");
        CliResult wrongPreset = await newPhone.RunAsync("restore", "--repo", world.Repository, "--to", world.NewFolder("out"), "--argon2", "t=2,m=64,p=1");

        // Other parameters stretch the password into another key: the vault sees a wrong password.
        Assert.Equal(11, wrongPreset.ExitCode);
        Assert.False(Directory.Exists(world.NewFolder("out")));
    }
}
