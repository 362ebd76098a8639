using Lockbox.Vault.Tests.EndToEnd;
using Lockbox.Vault.Tests.Support;

namespace Lockbox.Vault.Tests.Attacks;

/// <summary>
/// Issue 9, finding 9. After <c>lockbox disable</c>, a new device restoring with the once-right password is
/// told, from the vault's signed status, that nothing is escrowed — not "wrong password, 9 guesses left".
/// Disabling is irreversible, so without a terminal to confirm at it needs <c>--yes</c>.
/// </summary>
public sealed class DisabledEscrowSaysNothingEscrowedTests
{
    [Fact]
    public async Task RestoreAfterDisableSaysNothingIsEscrowed()
    {
        await using VaultUnderTest vault = await VaultUnderTest.StartAsync();
        using var world = new PasswordWorld(vault);
        CliRunner phone = await world.EnrolAndBackUpAsync();

        CliResult unconfirmed = await phone.RunAsync("disable", "--repo", world.Repository);
        Assert.Equal(2, unconfirmed.ExitCode);
        Assert.Contains("pass --yes", unconfirmed.Error, StringComparison.Ordinal);
        Assert.Contains("10 of 10 guesses left", (await phone.RunAsync("password", "status", "--repo", world.Repository)).Out, StringComparison.Ordinal);

        Assert.Equal(0, (await phone.RunAsync("disable", "--repo", world.Repository, "--yes")).ExitCode);

        for (int i = 0; i < 3; i++)
        {
            CliResult restored = await world.Device("new-phone").RunAsync("restore", "--repo", world.Repository, "--to", world.NewFolder("out"));
            Assert.Equal(14, restored.ExitCode);
            Assert.Contains("nothing is escrowed", restored.Error, StringComparison.Ordinal);
            Assert.DoesNotContain("Wrong password", restored.Error, StringComparison.Ordinal);
        }
    }
}
