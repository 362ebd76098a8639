using System.Buffers.Binary;
using System.Text;
using Lockbox.Repository;
using Lockbox.Vault.Tests.EndToEnd;
using Lockbox.Vault.Tests.Support;

namespace Lockbox.Vault.Tests.Attacks;

/// <summary>
/// Issue 9, finding 5 (the store's half). A hostile store writes other Argon2id parameters into the
/// repository's unauthenticated hints, so that the right password would read as wrong. The device takes the
/// parameters from the vault's signed status instead: the login succeeds and no guess is burnt (the altered
/// config is then reported as tampered, once the recovered key can check it).
/// </summary>
public sealed class TamperedKsfHintBurnsNoGuessTests
{
    [Fact]
    public async Task AKsfHintInsertedByTheStoreIsIgnoredAndCostsNothing()
    {
        await using VaultUnderTest vault = await VaultUnderTest.StartAsync();
        using var world = new PasswordWorld(vault);
        CliRunner phone = await world.EnrolAndBackUpAsync();
        RepositoryHints hints = (await Client.Vault.VaultHints.ReadAsync(world.Repository))!;

        // config = magic (13) || version (1) || id (16) || key_check (32) || flags || url || account || [ksf] || sealed
        string config = Path.Combine(world.Repository, "config");
        byte[] bytes = await File.ReadAllBytesAsync(config);
        int flags = 13 + 1 + 16 + 32;
        int after = flags + 1 + 4 + Encoding.UTF8.GetByteCount(hints.VaultUrl!) + 4 + Encoding.UTF8.GetByteCount(hints.AccountId!);
        byte[] ksf = Encoding.UTF8.GetBytes("t=3,m=4096,p=2");
        byte[] length = new byte[4];
        BinaryPrimitives.WriteUInt32LittleEndian(length, (uint)ksf.Length);
        bytes[flags] |= 4;
        await File.WriteAllBytesAsync(config, [.. bytes[..after], .. length, .. ksf, .. bytes[after..]]);
        Assert.Equal("t=3,m=4096,p=2", (await Client.Vault.VaultHints.ReadAsync(world.Repository))!.KeyStretching);

        for (int i = 0; i < 3; i++)
        {
            CliRunner newPhone = world.Device("new-phone");
            newPhone.Environment.Remove("LOCKBOX_ARGON2");
            CliResult restored = await newPhone.RunAsync("restore", "--repo", world.Repository, "--to", world.NewFolder("out"));
            Assert.DoesNotContain("Wrong password", restored.Error, StringComparison.Ordinal);
            Assert.Contains("released the backup key", restored.Error, StringComparison.Ordinal); // the login succeeded
            Assert.Contains("hints were changed", restored.Error, StringComparison.Ordinal);        // then K caught the edit
            Assert.Equal(5, restored.ExitCode);
        }

        Assert.Contains("10 of 10 guesses left", (await phone.RunAsync("password", "status", "--vault", world.VaultUrl, "--account", world.Account)).Out, StringComparison.Ordinal);
    }
}
