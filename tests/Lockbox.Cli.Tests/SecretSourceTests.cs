using System.Text.Json;
using Lockbox.Cli.Demo;
using Lockbox.Cli.Tests.Support;
using Lockbox.Vault.Server.Hosting;

namespace Lockbox.Cli.Tests;

/// <summary>
/// Secrets from files and commands, so none needs to be on a command line or in the environment: <c>--key-file</c> /
/// LOCKBOX_KEY_FILE for the 64-digit key, <c>--password-file</c> / <c>--password-command</c> and their variables for the
/// password (a real vault on loopback), and <c>whatsapp --key-file</c> with the digits in a text file.
/// </summary>
public sealed class SecretSourceTests : IAsyncLifetime, IDisposable
{
    private const string Account = "ivan@example.com";
    private const string Password = "correct horse battery staple";
    private readonly Workspace _w = new();
    private RunningVault _vault = null!;
    private Dictionary<string, string> _vaultEnvironment = null!;

    public async Task InitializeAsync()
    {
        string directory = _w.PathOf("vault");
        VaultInitResult made = await VaultHost.InitAsync(new VaultInitOptions { Directory = directory });
        _vault = await VaultHost.StartAsync(directory, "http://127.0.0.1:0", new VaultServerOptions { ConfigureLogging = _ => { } });
        _vaultEnvironment = new Dictionary<string, string>
        {
            ["LOCKBOX_ACCOUNT_TOKEN"] = VaultHost.MintToken(directory, Account),
            ["LOCKBOX_FLEET_KEY"] = made.FleetPublicKey,
            ["LOCKBOX_ARGON2"] = "test",
        };
    }

    public async Task DisposeAsync() => await _vault.DisposeAsync();

    public void Dispose() => _w.Dispose();

    private async Task<string> InitAsync()
    {
        CliResult init = await _w.RunAsync("init", "--repo", _w.Repository, "--json");
        init.AssertSuccess();
        JsonElement json = init.Summary();
        GeneratedChat chat = _w.MakeChat(mediaBytes: 0);
        (await _w.RunAsync("backup", "--repo", _w.Repository, "--db", chat.DatabasePath)).AssertSuccess();
        return json.GetProperty("key").GetString()!;
    }

    [Fact]
    public async Task KeyFileOpensTheRepositoryOnANewDevice()
    {
        string key = await InitAsync();
        string keyFile = _w.PathOf("backup-key.txt");
        await File.WriteAllTextAsync(keyFile, key + "\n");

        CliResult listed = await _w.RunWithEnvironmentAsync(_w.PathOf("new-device"), new Dictionary<string, string>(), "snapshots", "--repo", _w.Repository, "--key-file", keyFile, "--json");
        listed.AssertSuccess();
        Assert.Contains("\"sequence\":1", listed.Out, StringComparison.Ordinal);

        CliResult fromVariable = await _w.RunWithEnvironmentAsync(_w.PathOf("other-device"), new Dictionary<string, string> { ["LOCKBOX_KEY_FILE"] = keyFile },
            "restore", "--repo", _w.Repository, "--to", _w.PathOf("restored"), "--db-only");
        fromVariable.AssertSuccess();
        Assert.Single(Directory.GetFiles(_w.PathOf("restored")));
    }

    [Fact]
    public async Task KeyFileFlagWinsOverTheKeyVariable()
    {
        string key = await InitAsync();
        string keyFile = _w.PathOf("backup-key.txt");
        await File.WriteAllTextAsync(keyFile, key);
        string wrong = new('0', 64);
        var environment = new Dictionary<string, string> { ["LOCKBOX_KEY"] = wrong };
        (await _w.RunWithEnvironmentAsync(_w.PathOf("new-device"), environment, "snapshots", "--repo", _w.Repository, "--key-file", keyFile)).AssertSuccess();
        (await _w.RunWithEnvironmentAsync(_w.PathOf("new-device"), environment, "snapshots", "--repo", _w.Repository)).AssertOneLineFailure(3, "wrong key");
    }

    [Fact]
    public async Task MissingOrEmptyKeyFileIsOneLine()
    {
        await InitAsync();
        string missing = _w.PathOf("no-such-key");
        (await _w.RunWithEnvironmentAsync(_w.PathOf("new-device"), new Dictionary<string, string>(), "snapshots", "--repo", _w.Repository, "--key-file", missing))
            .AssertOneLineFailure(2, $"The key file {missing} (--key-file) does not exist.");
        string empty = _w.PathOf("empty-key");
        await File.WriteAllTextAsync(empty, "\n");
        (await _w.RunWithEnvironmentAsync(_w.PathOf("new-device"), new Dictionary<string, string> { ["LOCKBOX_KEY_FILE"] = empty }, "snapshots", "--repo", _w.Repository))
            .AssertOneLineFailure(2, $"The key file {empty} (LOCKBOX_KEY_FILE) is empty.");
    }

    private async Task InitWithPasswordAsync()
    {
        var environment = new Dictionary<string, string>(_vaultEnvironment) { ["LOCKBOX_PASSWORD"] = Password };
        CliResult init = await _w.RunWithEnvironmentAsync(_w.Home, environment, "init", "--repo", _w.Repository, "--password",
            "--vault", _vault.BaseAddress.AbsoluteUri, "--account", Account);
        Assert.True(init.ExitCode == 0, init.Error);
    }

    [Fact]
    public async Task PasswordModeCommandsPrintOneJsonSummary()
    {
        var environment = new Dictionary<string, string>(_vaultEnvironment) { ["LOCKBOX_PASSWORD"] = Password };
        CliResult init = await _w.RunWithEnvironmentAsync(_w.Home, environment, "init", "--repo", _w.Repository, "--password",
            "--vault", _vault.BaseAddress.AbsoluteUri, "--account", Account, "--json");
        init.AssertSuccess();
        Assert.Equal(["messageType", "repository", "vault", "account", "guessLimit", "argon2", "deviceState"],
            init.Summary().EnumerateObject().Select(p => p.Name));
        Assert.Equal(Account, init.Summary().GetProperty("account").GetString());

        string[] escrowFields = ["messageType", "action", "account", "vault", "locked", "guessesLeft", "guessLimit", "version"];
        CliResult status = await _w.RunWithEnvironmentAsync(_w.Home, _vaultEnvironment, "password", "status", "--repo", _w.Repository, "--json");
        status.AssertSuccess();
        JsonElement summary = status.Summary();
        Assert.Equal(escrowFields, summary.EnumerateObject().Select(p => p.Name));
        Assert.Equal("status", summary.GetProperty("action").GetString());
        Assert.False(summary.GetProperty("locked").GetBoolean());
        Assert.Equal(summary.GetProperty("guessLimit").GetInt32(), summary.GetProperty("guessesLeft").GetInt32());

        CliResult verify = await _w.RunWithEnvironmentAsync(_w.Home, environment, "password", "verify", "--repo", _w.Repository, "--json");
        verify.AssertSuccess();
        Assert.Equal(escrowFields, verify.Summary().EnumerateObject().Select(p => p.Name));
        Assert.Equal("verify", verify.Summary().GetProperty("action").GetString());
    }

    [Fact]
    public async Task PasswordFileAndCommandAndTheirVariablesGiveThePassword()
    {
        await InitWithPasswordAsync();
        string passwordFile = _w.PathOf("password.txt");
        await File.WriteAllTextAsync(passwordFile, Password + "\nsecond line is ignored\n");
        string script = _w.PathOf("print-password.sh");
        await File.WriteAllTextAsync(script, $"printf '%s\\n%s\\n' '{Password}' 'ignored'\n");

        (await _w.RunWithEnvironmentAsync(_w.Home, _vaultEnvironment, "password", "verify", "--repo", _w.Repository, "--password-file", passwordFile)).AssertSuccess();
        (await _w.RunWithEnvironmentAsync(_w.Home, _vaultEnvironment, "password", "verify", "--repo", _w.Repository, "--password-command", $"sh {script}")).AssertSuccess();
        (await _w.RunWithEnvironmentAsync(_w.Home, new Dictionary<string, string>(_vaultEnvironment) { ["LOCKBOX_PASSWORD_FILE"] = passwordFile },
            "password", "verify", "--repo", _w.Repository)).AssertSuccess();
        (await _w.RunWithEnvironmentAsync(_w.Home, new Dictionary<string, string>(_vaultEnvironment) { ["LOCKBOX_PASSWORD_COMMAND"] = $"sh {script}" },
            "password", "verify", "--repo", _w.Repository)).AssertSuccess();

        // A new device restores with the password from a command: no secret in the environment or on the command line.
        GeneratedChat chat = _w.MakeChat(mediaBytes: 0);
        (await _w.RunWithEnvironmentAsync(_w.Home, _vaultEnvironment, "backup", "--repo", _w.Repository, "--db", chat.DatabasePath)).AssertSuccess();
        CliResult restore = await _w.RunWithEnvironmentAsync(_w.PathOf("new-device"), _vaultEnvironment,
            "restore", "--repo", _w.Repository, "--to", _w.PathOf("restored"), "--password-command", $"sh {script}");
        Assert.True(restore.ExitCode == 0, restore.Error);
    }

    [Fact]
    public async Task PasswordFlagWinsOverTheVariables()
    {
        await InitWithPasswordAsync();
        string passwordFile = _w.PathOf("password.txt");
        await File.WriteAllTextAsync(passwordFile, Password);
        var environment = new Dictionary<string, string>(_vaultEnvironment)
        {
            ["LOCKBOX_PASSWORD"] = "a wrong one",
            ["LOCKBOX_PASSWORD_COMMAND"] = "exit 9",
        };
        (await _w.RunWithEnvironmentAsync(_w.Home, environment, "password", "verify", "--repo", _w.Repository, "--password-file", passwordFile)).AssertSuccess();
        (await _w.RunWithEnvironmentAsync(_w.Home, environment, "password", "verify", "--repo", _w.Repository))
            .AssertOneLineFailure(2, "LOCKBOX_PASSWORD_COMMAND failed with exit code 9; no password was read.");
    }

    [Fact]
    public async Task AFailingPasswordCommandIsOneLineAndEchoesNoSecret()
    {
        await InitWithPasswordAsync();
        CliResult failed = await _w.RunWithEnvironmentAsync(_w.Home, _vaultEnvironment, "password", "verify", "--repo", _w.Repository,
            "--password-command", $"echo '{Password}'; exit 3");
        failed.AssertOneLineFailure(2, "--password-command failed with exit code 3; no password was read.");
        Assert.DoesNotContain(Password, failed.Error, StringComparison.Ordinal);
        Assert.DoesNotContain(Password, failed.Out, StringComparison.Ordinal);

        (await _w.RunWithEnvironmentAsync(_w.Home, _vaultEnvironment, "password", "verify", "--repo", _w.Repository, "--password-command", "true"))
            .AssertOneLineFailure(2, "--password-command printed no password.");
        (await _w.RunWithEnvironmentAsync(_w.Home, _vaultEnvironment, "password", "verify", "--repo", _w.Repository,
            "--password-command", "true", "--password-file", _w.PathOf("x"))).AssertOneLineFailure(2, "Give either --password-file or --password-command, not both.");
    }

    [Fact]
    public async Task WhatsAppKeyFileMayHoldTheDigitsAndKeyWarnsOfTheProcessList()
    {
        string fixtures = FindTestData();
        string keyFile = _w.PathOf("whatsapp-key.txt");
        await File.WriteAllTextAsync(keyFile, "6730a595a1484d0c39c101dc0ac82ec5e401bb6f0e1b8ee2dc104a6b3687f017\n");
        string crypt15 = Path.Combine(fixtures, "whatsapp", "msgstore.db.crypt15");

        CliResult fromFile = await _w.RunAsync("whatsapp", "decrypt", crypt15, "--key-file", keyFile, "--out", _w.PathOf("a.db"));
        fromFile.AssertSuccess();
        Assert.DoesNotContain("warning", fromFile.Error, StringComparison.Ordinal);

        CliResult fromFlag = await _w.RunAsync("whatsapp", "decrypt", crypt15, "--key", "6730a595a1484d0c39c101dc0ac82ec5e401bb6f0e1b8ee2dc104a6b3687f017", "--out", _w.PathOf("b.db"));
        fromFlag.AssertSuccess();
        Assert.Contains("lockbox: warning: --key showed the key in the process list and shell history; use --key-file FILE", fromFlag.Error, StringComparison.Ordinal);
        Assert.Equal(File.ReadAllBytes(_w.PathOf("a.db")), File.ReadAllBytes(_w.PathOf("b.db")));
    }

    internal static string FindTestData()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (Directory.Exists(Path.Combine(dir.FullName, "testdata", "whatsapp")))
                return Path.Combine(dir.FullName, "testdata");
        }
        throw new InvalidOperationException("testdata/ not found above the test assembly");
    }
}
