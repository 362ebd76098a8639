using System.Text;
using Lockbox.Vault.Tests.Support;

namespace Lockbox.Vault.Tests.EndToEnd;

/// <summary>Password mode through the real <c>lockbox</c> command line against a real vault on loopback.</summary>
public sealed class PasswordCliTests
{
    [Fact]
    public async Task WrongPasswordSaysHowManyGuessesAreLeftAndTheTenthErasesTheKeyForGood()
    {
        await using VaultUnderTest vault = await VaultUnderTest.StartAsync();
        using var world = new PasswordWorld(vault);
        CliRunner phone = await world.EnrolAndBackUpAsync();

        for (int guess = 1; guess <= 9; guess++)
        {
            CliResult wrong = await world.Device("thief", "guess " + guess).RunAsync("restore", "--repo", world.Repository, "--to", world.NewFolder("out-" + guess));
            Assert.Equal(11, wrong.ExitCode);
            string left = 10 - guess == 1 ? "1 guess left" : $"{10 - guess} guesses left";
            Assert.Equal($"lockbox: Wrong password: {left} before the vault erases the escrowed backup key for good.", wrong.Error.Trim());
            Assert.False(Directory.Exists(world.NewFolder("out-" + guess)));
        }
        CliResult tenth = await world.Device("thief", "guess 10").RunAsync("restore", "--repo", world.Repository, "--to", world.NewFolder("out-10"));
        Assert.Equal(12, tenth.ExitCode);
        Assert.StartsWith("lockbox: Wrong password, and that was the last guess: the vault erased the escrowed backup key and it is gone for good.", tenth.Error.Trim(), StringComparison.Ordinal);

        CliResult right = await world.Device("new-phone").RunAsync("restore", "--repo", world.Repository, "--to", world.NewFolder("out-right"));
        Assert.Equal(12, right.ExitCode);
        Assert.Equal("lockbox: Too many wrong passwords: the vault erased the escrowed backup key and it is gone for good. Only the 64-digit key (or the original device) can restore the backup now.", right.Error.Trim());
        CliResult status = await phone.RunAsync("password", "status", "--repo", world.Repository, "--json");
        Assert.Contains("\"locked\":true", status.Out, StringComparison.Ordinal);

        // The original device still holds K: it resets the forgotten password, and the new phone restores with the new one.
        phone.Environment["LOCKBOX_NEW_PASSWORD"] = "remembered this time";
        CliResult reset = await phone.RunAsync("password", "reset", "--repo", world.Repository);
        Assert.True(reset.ExitCode == 0, reset.ToString());
        CliResult restored = await world.Device("new-phone", "remembered this time").RunAsync("restore", "--repo", world.Repository, "--to", world.NewFolder("out-reset"));
        Assert.True(restored.ExitCode == 0, restored.ToString());
        SmallChat.AssertRestored(world.ChatDirectory, world.NewFolder("out-reset"));
    }

    [Fact]
    public async Task ResetAndDisableWithoutTheBackupKeyAreRefused()
    {
        await using VaultUnderTest vault = await VaultUnderTest.StartAsync();
        using var world = new PasswordWorld(vault);
        CliRunner phone = await world.EnrolAndBackUpAsync();

        CliRunner stranger = world.Device("stranger");
        stranger.Environment["LOCKBOX_NEW_PASSWORD"] = "taken over";
        CliResult reset = await stranger.RunAsync("password", "reset", "--repo", world.Repository);
        Assert.Equal(2, reset.ExitCode);
        Assert.Contains("needs the backup key, which this device does not hold", reset.Error, StringComparison.Ordinal);
        CliResult disable = await stranger.RunAsync("disable", "--repo", world.Repository);
        Assert.Equal(2, disable.ExitCode);

        // Someone with another key: the vault itself refuses (management credential), and says so.
        stranger.Environment["LOCKBOX_KEY"] = new string('7', 64);
        CliResult forged = await stranger.RunAsync("disable", "--repo", world.Repository, "--yes");
        Assert.Equal(3, forged.ExitCode);
        Assert.Contains("not the one escrowed", forged.Error, StringComparison.Ordinal);
        Assert.Equal(3, (await stranger.RunAsync("password", "reset", "--repo", world.Repository)).ExitCode);

        CliResult status = await phone.RunAsync("password", "status", "--repo", world.Repository);
        Assert.Contains("escrow intact, 10 of 10 guesses left", status.Out, StringComparison.Ordinal);
        CliResult restored = await world.Device("new-phone").RunAsync("restore", "--repo", world.Repository, "--to", world.NewFolder("out"));
        Assert.True(restored.ExitCode == 0, restored.ToString());

        // The original device disables the escrow: the vault has no record any more.
        CliResult off = await phone.RunAsync("disable", "--repo", world.Repository, "--yes");
        Assert.True(off.ExitCode == 0, off.ToString());
        CliResult gone = await phone.RunAsync("password", "status", "--repo", world.Repository);
        Assert.Equal(14, gone.ExitCode);
        Assert.Contains("no escrowed key", gone.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task PasswordChangeOnThePhoneAndWithTheOldPasswordElsewhere()
    {
        await using VaultUnderTest vault = await VaultUnderTest.StartAsync();
        using var world = new PasswordWorld(vault);
        CliRunner phone = await world.EnrolAndBackUpAsync();

        phone.Environment["LOCKBOX_NEW_PASSWORD"] = "second password";
        CliResult change = await phone.RunAsync("password", "change", "--repo", world.Repository);
        Assert.True(change.ExitCode == 0, change.ToString());
        Assert.Equal(11, (await world.Device("a", PasswordWorld.Password).RunAsync("restore", "--repo", world.Repository, "--to", world.NewFolder("a"))).ExitCode);

        CliRunner laptop = world.Device("laptop", "second password");
        laptop.Environment["LOCKBOX_NEW_PASSWORD"] = "third password";
        CliResult changeWithOld = await laptop.RunAsync("password", "change", "--old-password", "--repo", world.Repository);
        Assert.True(changeWithOld.ExitCode == 0, changeWithOld.ToString());
        Assert.Equal(11, (await world.Device("b", "second password").RunAsync("restore", "--repo", world.Repository, "--to", world.NewFolder("b"))).ExitCode);
        CliResult restored = await world.Device("c", "third password").RunAsync("restore", "--repo", world.Repository, "--to", world.NewFolder("c"));
        Assert.True(restored.ExitCode == 0, restored.ToString());
        SmallChat.AssertRestored(world.ChatDirectory, world.NewFolder("c"));
    }

    [Fact]
    public async Task AVaultThatIsNotThePinnedOneIsReportedAsNotAuthentic()
    {
        await using VaultUnderTest vault = await VaultUnderTest.StartAsync();
        await using VaultUnderTest other = await VaultUnderTest.StartAsync();
        using var world = new PasswordWorld(vault);
        await world.EnrolAndBackUpAsync();

        CliRunner device = world.Device("new-phone");
        device.Environment["LOCKBOX_FLEET_KEY"] = other.Vault.FleetPublicKey;
        CliResult result = await device.RunAsync("restore", "--repo", world.Repository, "--to", world.NewFolder("out"));
        Assert.Equal(13, result.ExitCode);
        Assert.Contains("is not authentic", result.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task VaultInitPrintsOnlyTheFleetKeyAndTokenPrintsOnlyTheToken()
    {
        using var dir = new TempDir();
        var cli = new CliRunner(new Dictionary<string, string?> { ["LOCKBOX_HOME"] = Path.Combine(dir.Path, "state") });
        string vaultDir = Path.Combine(dir.Path, "vault");
        CliResult init = await cli.RunAsync("vault", "init", "--dir", vaultDir);
        Assert.True(init.ExitCode == 0, init.ToString());
        string fleetKey = init.Out.Trim();
        Assert.True(Client.Vault.FleetKey.TryParse(fleetKey, out _, out _), fleetKey);
        Assert.Equal(Lockbox.Vault.Server.Hosting.VaultHost.ReadFleetPublicKey(vaultDir), fleetKey);

        CliResult token = await cli.RunAsync("vault", "token", "--dir", vaultDir, "--account", "alice@example.com");
        Assert.Equal(0, token.ExitCode);
        Assert.Single(token.Out.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.Equal("", token.Error);

        CliResult again = await cli.RunAsync("vault", "init", "--dir", vaultDir);
        Assert.Equal(2, again.ExitCode);
        Assert.Contains("is not empty", again.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task PasswordInitNeedsAPinnedFleetKeyAndAPassword()
    {
        await using VaultUnderTest vault = await VaultUnderTest.StartAsync();
        using var world = new PasswordWorld(vault);
        CliRunner phone = world.Device("phone", password: null);
        CliResult noPassword = await phone.RunAsync("init", "--repo", world.Repository, "--password", "--vault", world.VaultUrl, "--account", world.Account);
        Assert.Equal(2, noPassword.ExitCode);
        Assert.Contains("LOCKBOX_PASSWORD", noPassword.Error, StringComparison.Ordinal);

        phone.Environment["LOCKBOX_PASSWORD"] = PasswordWorld.Password;
        phone.Environment["LOCKBOX_FLEET_KEY"] = null;
        CliResult noPin = await phone.RunAsync("init", "--repo", world.Repository, "--password", "--vault", world.VaultUrl, "--account", world.Account);
        Assert.Equal(2, noPin.ExitCode);
        Assert.Contains("--fleet-key", noPin.Error, StringComparison.Ordinal);
        Assert.False(Directory.Exists(world.Repository));
    }
}

/// <summary>The whole story on a SoftHSM2-backed vault: a new device restores with only the password, and nothing the vault keeps holds a secret.</summary>
[Collection(Pkcs11Collection.Name)]
public sealed class PasswordRestoreOnSoftHsm2Tests
{
    [Fact]
    public async Task NewDeviceRestoresWithOnlyThePasswordAndTheVaultKeepsNoSecret()
    {
        await using VaultUnderTest vault = await VaultUnderTest.StartAsync("pkcs11");
        using var world = new PasswordWorld(vault);
        CliRunner phone = await world.EnrolAndBackUpAsync();

        // The new device knows the repository and the password; the vault address and account come from the repository.
        CliRunner newPhone = world.Device("new-phone");
        CliResult restore = await newPhone.RunAsync("restore", "--repo", world.Repository, "--to", world.NewFolder("restored"));
        Assert.True(restore.ExitCode == 0, restore.ToString());
        SmallChat.AssertRestored(world.ChatDirectory, world.NewFolder("restored"));

        // Now both devices hold the same K, and can show it.
        string phoneKey = (await phone.RunAsync("key", "show")).Out.Trim();
        Assert.Equal(phoneKey, (await newPhone.RunAsync("key", "show")).Out.Trim());
        Assert.Equal(64 + 15, phoneKey.Length);

        // Also the explicit options work, on yet another device.
        CliResult explicitRestore = await world.Device("tablet").RunAsync("restore", "--repo", world.Repository, "--to", world.NewFolder("tablet"),
            "--vault", world.VaultUrl, "--account", world.Account, "--vault-dir", vault.Directory);
        Assert.True(explicitRestore.ExitCode == 0, explicitRestore.ToString());

        // Nothing the vault keeps (state files, logs) holds the password, K (raw, hex or grouped) or the account token.
        byte[] dump = vault.Dump();
        string digits = phoneKey.Replace(" ", "", StringComparison.Ordinal);
        byte[] rawKey = Convert.FromHexString(digits);
        AssertAbsent(dump, Encoding.UTF8.GetBytes(PasswordWorld.Password), "password");
        AssertAbsent(dump, rawKey, "K");
        AssertAbsent(dump, Encoding.ASCII.GetBytes(digits), "K as hex");
        AssertAbsent(dump, Encoding.ASCII.GetBytes(phoneKey), "K as 64 digits");
        foreach (CliRunner device in new[] { phone, newPhone })
            AssertAbsent(dump, Encoding.ASCII.GetBytes(device.Environment["LOCKBOX_ACCOUNT_TOKEN"]!.Split('.')[^1]), "an account token's signature");
        // Nor what the CLI printed or the repository stores.
        foreach (CliResult r in new[] { restore, explicitRestore })
            Assert.DoesNotContain(PasswordWorld.Password, r.Out + r.Error, StringComparison.Ordinal);
        foreach (string file in Directory.EnumerateFiles(world.Repository, "*", SearchOption.AllDirectories))
        {
            byte[] content = File.ReadAllBytes(file);
            AssertAbsent(content, Encoding.UTF8.GetBytes(PasswordWorld.Password), "password in " + file);
            AssertAbsent(content, rawKey, "K in " + file);
        }
    }

    private static void AssertAbsent(byte[] haystack, byte[] needle, string what) =>
        Assert.True(haystack.AsSpan().IndexOf(needle) < 0, $"found {what} in what the vault keeps");
}

/// <summary>The key ceremony on a SoftHSM2 token through <c>lockbox vault init --hsm pkcs11</c>, the PIN from the environment.</summary>
[Collection(Pkcs11Collection.Name)]
public sealed class VaultCeremonyOnSoftHsm2Tests
{
    [Fact]
    public async Task Pkcs11CeremonyMakesAWorkingVaultAndRefusesToOverwriteItsKeys()
    {
        _ = SoftHsm.TokenDirectory;
        using var dir = new TempDir();
        string prefix = SoftHsm.NewKeyPrefix();
        var cli = new CliRunner(new Dictionary<string, string?> { ["LOCKBOX_HSM_PIN"] = SoftHsm.UserPin });
        string[] ceremony(string target) => ["vault", "init", "--dir", target, "--hsm", "pkcs11", "--pkcs11-library", SoftHsm.LibraryPath,
            "--token-label", SoftHsm.TokenLabel, "--key-label-prefix", prefix];

        CliResult noPin = await new CliRunner([]).RunAsync(ceremony(Path.Combine(dir.Path, "no-pin")));
        Assert.Equal(2, noPin.ExitCode);
        Assert.Contains("LOCKBOX_HSM_PIN", noPin.Error, StringComparison.Ordinal);

        string vaultDir = Path.Combine(dir.Path, "vault");
        CliResult init = await cli.RunAsync(ceremony(vaultDir));
        Assert.True(init.ExitCode == 0, init.ToString());
        Assert.True(Client.Vault.FleetKey.TryParse(init.Out.Trim(), out byte[] pinned, out _));

        CliResult again = await cli.RunAsync(ceremony(Path.Combine(dir.Path, "second")));
        Assert.Equal(2, again.ExitCode);
        Assert.Contains("refusing to overwrite", again.Error, StringComparison.Ordinal);

        await using Lockbox.Vault.Server.Hosting.RunningVault running = await Lockbox.Vault.Server.Hosting.VaultHost.StartAsync(vaultDir, "http://127.0.0.1:0",
            new Lockbox.Vault.Server.Hosting.VaultServerOptions { Pin = SoftHsm.UserPin, ConfigureLogging = _ => { } });
        string account = DeviceClients.NewAccount();
        using var device = new Client.Vault.VaultClient(new Client.Vault.VaultClientOptions
        {
            VaultUrl = running.BaseAddress,
            AccountId = account,
            AccountToken = (await cli.RunAsync("vault", "token", "--dir", vaultDir, "--account", account)).Out.Trim(),
            FleetPublicKey = pinned,
            KeyStretching = Client.Vault.KeyStretchingPresets.Test,
        });
        using Cryptography.BackupKey key = Cryptography.BackupKey.Generate();
        await device.EnrolAsync("in the token", key);
        using Cryptography.BackupKey recovered = await device.RecoverAsync("in the token");
        Assert.True(recovered.SameAs(key));
    }
}
