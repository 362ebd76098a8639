using Lockbox.Cli.Demo;
using Lockbox.Cli.Tests.Support;
using Lockbox.Vault.Server.Hosting;

namespace Lockbox.Cli.Tests;

/// <summary>
/// The vault's freshness anchor end to end through the command line (issue 10): `lockbox backup` of an escrowed
/// repository advances it, and `lockbox restore` on a new device refuses a store that deleted the newest snapshot
/// with one line and exit code 15, writing nothing. A real vault on loopback, a real folder store.
/// </summary>
public sealed class StaleStoreTests : IAsyncLifetime, IDisposable
{
    private const string Account = "judy@example.com";
    private readonly Workspace _w = new();
    private RunningVault _vault = null!;
    private Dictionary<string, string> _environment = null!;

    public async Task InitializeAsync()
    {
        string directory = _w.PathOf("vault");
        VaultInitResult made = await VaultHost.InitAsync(new VaultInitOptions { Directory = directory });
        _vault = await VaultHost.StartAsync(directory, "http://127.0.0.1:0", new VaultServerOptions { ConfigureLogging = _ => { } });
        _environment = new Dictionary<string, string>
        {
            ["LOCKBOX_ACCOUNT_TOKEN"] = VaultHost.MintToken(directory, Account),
            ["LOCKBOX_FLEET_KEY"] = made.FleetPublicKey,
            ["LOCKBOX_ARGON2"] = "test",
            ["LOCKBOX_PASSWORD"] = "correct horse battery staple",
        };
    }

    public async Task DisposeAsync() => await _vault.DisposeAsync();

    public void Dispose() => _w.Dispose();

    [Fact]
    public async Task RestoreFromAStoreThatDeletedTheNewestSnapshotFailsWithOneLineAndExitCode15()
    {
        GeneratedChat chat = _w.MakeChat(mediaBytes: 0);
        CliResult init = await _w.RunWithEnvironmentAsync(_w.Home, _environment, "init", "--repo", _w.Repository, "--password",
            "--vault", _vault.BaseAddress.AbsoluteUri, "--account", Account);
        Assert.True(init.ExitCode == 0, init.Error);
        foreach (ulong day in new ulong[] { 1, 2 })
        {
            if (day == 2) NextDay.Apply(chat.DatabasePath, day);
            CliResult backup = await _w.RunWithEnvironmentAsync(_w.Home, _environment, "backup", "--repo", _w.Repository, "--db", chat.DatabasePath);
            Assert.True(backup.ExitCode == 0, backup.Error);
            Assert.DoesNotContain("warning", backup.Error, StringComparison.Ordinal); // the anchor was advanced
        }
        string newest = Directory.GetFiles(Path.Combine(_w.Repository, "snapshots")).MaxBy(File.GetLastWriteTimeUtc)!;
        File.Delete(newest);

        string target = _w.PathOf("restored");
        CliResult restore = await _w.RunWithEnvironmentAsync(_w.PathOf("new-device"), _environment, "restore", "--repo", _w.Repository, "--to", target);

        Assert.True(restore.ExitCode == 15, $"exit code {restore.ExitCode}; stderr: {restore.Error}");
        string[] lines = [.. restore.Error.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Where(l => l.StartsWith("lockbox:", StringComparison.Ordinal))];
        Assert.Equal("lockbox: The store's newest snapshot is number 1, but the vault says this account backed up number 2: the store is hiding newer backups (or is an old copy). Nothing was restored.", lines[^1]);
        Assert.Equal(2, lines.Length); // "the vault released the key", then the one failure line
        restore.AssertNoStackTrace();
        Assert.False(Directory.Exists(target));
    }

    [Fact]
    public async Task ABackupWithoutTheVaultSettingsStandsWithAWarning()
    {
        GeneratedChat chat = _w.MakeChat(mediaBytes: 0);
        CliResult init = await _w.RunWithEnvironmentAsync(_w.Home, _environment, "init", "--repo", _w.Repository, "--password",
            "--vault", _vault.BaseAddress.AbsoluteUri, "--account", Account);
        Assert.True(init.ExitCode == 0, init.Error);

        CliResult backup = await _w.RunWithEnvironmentAsync(_w.Home, new Dictionary<string, string>(), "backup", "--repo", _w.Repository, "--db", chat.DatabasePath);

        Assert.True(backup.ExitCode == 0, backup.Error);
        Assert.Contains("lockbox: warning: the vault's freshness anchor was not advanced (The vault needs the app's account credential: set LOCKBOX_ACCOUNT_TOKEN", backup.Error, StringComparison.Ordinal);
        Assert.Single(Directory.GetFiles(Path.Combine(_w.Repository, "snapshots")));
    }
}
