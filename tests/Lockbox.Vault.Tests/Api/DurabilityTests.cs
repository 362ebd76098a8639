using System.Net;
using Lockbox.Cryptography;
using Lockbox.Vault.Core;
using Lockbox.Vault.Server.Hosting;
using Lockbox.Vault.Tests.Support;

namespace Lockbox.Vault.Tests.Api;

/// <summary>What the vault does with its files: tampering stops it, a crash mid-append loses nothing acknowledged, pending logins expire.</summary>
public sealed class DurabilityTests
{
    [Fact]
    public async Task TamperedStateStopsTheVaultWithAClearMessage()
    {
        await using VaultUnderTest v = await VaultUnderTest.StartAsync();
        using BackupKey k = BackupKey.Generate();
        await v.Client("ola").EnrolAsync("pw", k);
        await v.Vault.DisposeAsync();

        string log = Path.Combine(v.Directory, "state", "log");
        byte[] bytes = await File.ReadAllBytesAsync(log);
        bytes[^5] ^= 0x40;
        await File.WriteAllBytesAsync(log, bytes);
        var e = await Assert.ThrowsAsync<VaultConfigurationException>(() => VaultHost.StartAsync(v.Directory, "http://127.0.0.1:0"));
        Assert.Contains("failed authentication", e.Message, StringComparison.Ordinal);
        bytes[^5] ^= 0x40;
        await File.WriteAllBytesAsync(log, bytes);
        await v.RestartAsync();
        Assert.Equal(HttpStatusCode.OK, (await v.Client("ola").StatusAsync()).Status);
    }

    [Fact]
    public async Task ATornLastEntryIsDroppedAndEverythingAcknowledgedSurvives()
    {
        await using VaultUnderTest v = await VaultUnderTest.StartAsync();
        using BackupKey k = BackupKey.Generate();
        VaultTestClient pia = v.Client("pia");
        await pia.EnrolAsync("pw", k);
        await pia.LoginAsync("wrong");
        await v.Vault.DisposeAsync();

        string log = Path.Combine(v.Directory, "state", "log");
        await using (var stream = new FileStream(log, FileMode.Append))
            stream.Write([0, 0, 1, 0, 0xde, 0xad]); // a crash after writing 6 of 260 bytes
        await v.RestartAsync();
        pia = v.Client("pia");
        Assert.Equal(9, (await pia.StatusAsync()).GuessesLeft);
        Assert.NotNull((await pia.LoginAsync("pw")).Key);
    }

    [Fact]
    public async Task APendingLoginExpiresAndItsGuessStaysSpent()
    {
        var time = new ManualTime();
        await using VaultUnderTest v = await VaultUnderTest.StartAsync(options: new VaultServerOptions { Time = time, AccountRequestsPerMinute = 1000 });
        using BackupKey k = BackupKey.Generate();
        VaultTestClient quin = v.Client("quin");
        await quin.EnrolAsync("pw", k);
        VaultTestClient.PendingLogin login = await quin.StartLoginAsync("pw");
        time.Advance(TimeSpan.FromMinutes(2));
        using Lockbox.Opaque.ClientLoginResult result = VaultTestClient.Ke3For(login)!;
        Assert.Equal("unknown_session", (await quin.FinishAsync(login.SessionId, result.KE3.Serialize())).Error);
        Assert.Equal(9, (await quin.StatusAsync()).GuessesLeft);
    }

    [Fact]
    public async Task KeyCeremonyRefusesANonEmptyDirectoryAndServeRefusesAMissingOne()
    {
        using var dir = new TempDir();
        await File.WriteAllTextAsync(Path.Combine(dir.Path, "something"), "x");
        Assert.Contains("not empty", (await Assert.ThrowsAsync<VaultConfigurationException>(() => VaultHost.InitAsync(new VaultInitOptions { Directory = dir.Path }))).Message, StringComparison.Ordinal);
        Assert.Contains("not a vault directory", (await Assert.ThrowsAsync<VaultConfigurationException>(() => VaultHost.StartAsync(Path.Combine(dir.Path, "none"), "http://127.0.0.1:0"))).Message, StringComparison.Ordinal);
        Assert.Contains("PIN", (await Assert.ThrowsAsync<VaultConfigurationException>(() => VaultHost.InitAsync(new VaultInitOptions { Directory = Path.Combine(dir.Path, "p"), Hsm = "pkcs11", Pkcs11Library = SoftHsm.LibraryPath, TokenLabel = "x" }))).Message, StringComparison.Ordinal);
    }
}
