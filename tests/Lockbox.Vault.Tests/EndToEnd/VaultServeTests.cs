using System.Text.RegularExpressions;
using Lockbox.Cli;
using Lockbox.Client.Vault;
using Lockbox.Cryptography;
using Lockbox.Vault.Tests.Support;

namespace Lockbox.Vault.Tests.EndToEnd;

/// <summary><c>lockbox vault init</c> then <c>lockbox vault serve</c> as a user runs them, stopped the way Ctrl-C stops it.</summary>
public sealed partial class VaultServeTests
{
    [Fact]
    public async Task ServeAnswersDevicesUntilStoppedAndKeepsTheirEscrowAcrossRestarts()
    {
        using var dir = new TempDir();
        string vaultDir = Path.Combine(dir.Path, "vault");
        var cli = new CliRunner(new Dictionary<string, string?> { ["LOCKBOX_HOME"] = Path.Combine(dir.Path, "state") });
        string fleetKey = (await cli.RunAsync("vault", "init", "--dir", vaultDir)).Out.Trim();
        Assert.True(FleetKey.TryParse(fleetKey, out byte[] pinned, out _));
        string account = DeviceClients.NewAccount();
        string token = (await cli.RunAsync("vault", "token", "--dir", vaultDir, "--account", account)).Out.Trim();
        using BackupKey key = BackupKey.Generate();

        for (int run = 0; run < 2; run++)
        {
            using var stop = new CancellationTokenSource();
            using var error = new StringWriter();
            TextWriter errors = TextWriter.Synchronized(error);
            var context = new CliContext { Out = TextWriter.Null, Error = errors, Environment = _ => null };
            Task<int> serving = LockboxCli.RunAsync(["vault", "serve", "--dir", vaultDir, "--urls", "http://127.0.0.1:0"], context, stop.Token);

            Match started = Match.Empty;
            for (int i = 0; i < 600 && !started.Success && !serving.IsCompleted; i++)
            {
                await Task.Delay(50);
                lock (errors) started = ServingLine().Match(error.ToString());
            }
            Assert.True(started.Success, "vault serve did not start: " + error);
            Assert.Contains(fleetKey, started.Value, StringComparison.Ordinal);

            using (var device = new VaultClient(new VaultClientOptions
            {
                VaultUrl = new Uri(started.Groups["url"].Value),
                AccountId = account,
                AccountToken = token,
                FleetPublicKey = pinned,
                KeyStretching = KeyStretchingPresets.Test,
            }))
            {
                if (run == 0) await device.EnrolAsync("served password", key);
                using BackupKey recovered = await device.RecoverAsync("served password");
                Assert.True(recovered.SameAs(key));
            }

            stop.Cancel();
            Assert.Equal(0, await serving);
            lock (errors) Assert.Contains("lockbox: vault stopped.", error.ToString(), StringComparison.Ordinal);
        }
    }

    [GeneratedRegex(@"vault serving on (?<url>http://127\.0\.0\.1:\d+/) \(fleet key lbfk1\.[A-Za-z0-9_-]+\)")]
    private static partial Regex ServingLine();
}
