using Lockbox.Vault.Tests.Support;

namespace Lockbox.Vault.Tests.EndToEnd;

/// <summary>
/// One user's world for CLI tests: a vault, a repository folder, a phone with a chat, and devices
/// (each its own LOCKBOX_HOME) that run the real <c>lockbox</c> command line in-process.
/// </summary>
internal sealed class PasswordWorld : IDisposable
{
    public const string Password = "tr0ub4dor & 3, but longer";

    private readonly TempDir _dir = new();

    public PasswordWorld(VaultUnderTest vault)
    {
        Vault = vault;
        Account = DeviceClients.NewAccount();
        (Database, Media) = SmallChat.Create(Path.Combine(_dir.Path, "phone-chat"));
    }

    public VaultUnderTest Vault { get; }

    public string Account { get; }

    public string Repository => Path.Combine(_dir.Path, "cloud-repository");

    public string ChatDirectory => Path.Combine(_dir.Path, "phone-chat");

    public string Database { get; }

    public string Media { get; }

    public string Root => _dir.Path;

    public string VaultUrl => Vault.Vault.BaseAddress.AbsoluteUri;

    /// <summary>A device with its own state folder, the account token and the test Argon2id preset; the password is set per run.</summary>
    public CliRunner Device(string name, string? password = Password) => new(new Dictionary<string, string?>
    {
        ["LOCKBOX_HOME"] = Path.Combine(_dir.Path, name + "-state"),
        ["LOCKBOX_ACCOUNT_TOKEN"] = Vault.Token(Account),
        ["LOCKBOX_FLEET_KEY"] = Vault.Vault.FleetPublicKey,
        ["LOCKBOX_ARGON2"] = "test",
        ["LOCKBOX_PASSWORD"] = password,
    });

    /// <summary>The phone enables password mode and backs up its chat.</summary>
    public async Task<CliRunner> EnrolAndBackUpAsync()
    {
        CliRunner phone = Device("phone");
        CliResult init = await phone.RunAsync("init", "--repo", Repository, "--password", "--vault", VaultUrl, "--account", Account, "--vault-dir", Vault.Directory);
        Assert.True(init.ExitCode == 0, init.ToString());
        CliResult backup = await phone.RunAsync("backup", "--repo", Repository, "--db", Database, "--media", Media);
        Assert.True(backup.ExitCode == 0, backup.ToString());
        return phone;
    }

    public string NewFolder(string name) => Path.Combine(_dir.Path, name);

    public void Dispose() => _dir.Dispose();
}
