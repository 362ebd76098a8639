using Lockbox.Client.Vault;
using Lockbox.Cryptography;
using Lockbox.Vault.Server.Hosting;
using Lockbox.Vault.Tests.EndToEnd;
using Lockbox.Vault.Tests.Support;

namespace Lockbox.Vault.Tests.Hsm;

/// <summary>
/// <c>lockbox vault provision request|wrap|accept</c> through the real command line on SoftHSM2 tokens: a node
/// provisioned from the ceremony node's token serves what the ceremony node sealed, and every wrong step is one line.
/// </summary>
[Collection(Pkcs11Collection.Name)]
public sealed class VaultProvisionCliTests
{
    private static readonly CliRunner Cli = new(new Dictionary<string, string?> { ["LOCKBOX_HSM_PIN"] = SoftHsm.UserPin });

    private static async Task<string> CeremonyAsync(string dir, string prefix)
    {
        CliResult init = await Cli.RunAsync("vault", "init", "--dir", dir, "--hsm", "pkcs11", "--pkcs11-library", SoftHsm.LibraryPath,
            "--token-label", SoftHsm.NodeTokens[0], "--key-label-prefix", prefix);
        Assert.True(init.ExitCode == 0, init.ToString());
        return init.Out.Trim();
    }

    private static string[] RequestArgs(string dir, int token, string prefix) =>
        ["vault", "provision", "request", "--dir", dir, "--pkcs11-library", SoftHsm.LibraryPath, "--token-label", SoftHsm.NodeTokens[token], "--key-label-prefix", prefix];

    private static async Task<CliResult> OkAsync(CliRunner cli, params string[] args)
    {
        CliResult result = await cli.RunAsync(args);
        Assert.True(result.ExitCode == 0, result.ToString());
        return result;
    }

    private static async Task FailsAsync(CliRunner cli, string expected, params string[] args)
    {
        CliResult result = await cli.RunAsync(args);
        Assert.True(result.ExitCode == 2, result.ToString());
        Assert.Contains(expected, result.Error, StringComparison.Ordinal);
        Assert.Single(result.Error.Trim().Split('\n')); // one line, no stack trace
    }

    [Fact]
    public async Task AProvisionedNodeServesWhatTheCeremonyNodeSealedAndLogsInWithTheSameOprfKeys()
    {
        _ = SoftHsm.TokenDirectory;
        using var root = new TempDir();
        string prefix = SoftHsm.NewKeyPrefix();
        string ceremony = Path.Combine(root.Path, "node1"), joining = Path.Combine(root.Path, "node2");
        string fleetKey = await CeremonyAsync(ceremony, prefix);

        string request = (await OkAsync(Cli, RequestArgs(joining, 1, prefix))).Out.Trim();
        Assert.Equal(Path.Combine(joining, "provision.request"), request);
        string wrapped = Path.Combine(root.Path, "node2.fleet");
        await OkAsync(Cli, "vault", "provision", "wrap", "--dir", ceremony, "--request", request, "--out", wrapped);
        Assert.Equal(fleetKey, (await OkAsync(Cli, "vault", "provision", "accept", "--dir", joining, "--from", wrapped)).Out.Trim());
        Assert.False(File.Exists(Path.Combine(joining, "provision.json")));

        // Enrol through the ceremony node, then give its sealed state to the provisioned node: it opens it and the
        // login's OPRF key (derived in node 2's token) matches the one node 1's token derived at enrolment.
        string account = DeviceClients.NewAccount();
        using BackupKey key = BackupKey.Generate();
        string token = (await Cli.RunAsync("vault", "token", "--dir", ceremony, "--account", account)).Out.Trim();
        Assert.True(FleetKey.TryParse(fleetKey, out byte[] pinned, out _));
        VaultClientOptions Device(Uri url) => new()
        {
            VaultUrl = url, AccountId = account, AccountToken = token, FleetPublicKey = pinned, KeyStretching = KeyStretchingPresets.Test,
        };
        await using (RunningVault first = await VaultHost.StartAsync(ceremony, "http://127.0.0.1:0", new VaultServerOptions { Pin = SoftHsm.UserPin, ConfigureLogging = _ => { } }))
        {
            using var device = new VaultClient(Device(first.BaseAddress));
            await device.EnrolAsync("one fleet, two tokens", key);
        }
        Directory.Delete(Path.Combine(joining, "state"), recursive: true);
        Cluster.ClusterUnderTest.CopyDirectory(Path.Combine(ceremony, "state"), Path.Combine(joining, "state"));
        await using (RunningVault second = await VaultHost.StartAsync(joining, "http://127.0.0.1:0", new VaultServerOptions { Pin = SoftHsm.UserPin, ConfigureLogging = _ => { } }))
        {
            using var device = new VaultClient(Device(second.BaseAddress));
            using BackupKey recovered = await device.RecoverAsync("one fleet, two tokens");
            Assert.True(recovered.SameAs(key));
        }
    }

    [Fact]
    public async Task EveryWrongFileTokenPinOrRepeatIsOneClearLine()
    {
        _ = SoftHsm.TokenDirectory;
        using var root = new TempDir();
        string prefix = SoftHsm.NewKeyPrefix();
        string ceremony = Path.Combine(root.Path, "node1"), b = Path.Combine(root.Path, "node2"), c = Path.Combine(root.Path, "node3");
        string fleetKey = await CeremonyAsync(ceremony, prefix);
        var wrongPin = new CliRunner(new Dictionary<string, string?> { ["LOCKBOX_HSM_PIN"] = "9999" });
        var noPin = new CliRunner([]);

        await FailsAsync(noPin, "LOCKBOX_HSM_PIN", RequestArgs(b, 1, prefix));
        await FailsAsync(wrongPin, "PIN for token 'lockbox-test-2' is wrong", RequestArgs(b, 1, prefix));
        await FailsAsync(Cli, "No PKCS#11 token labelled 'no-such-token'",
            "vault", "provision", "request", "--dir", b, "--pkcs11-library", SoftHsm.LibraryPath, "--token-label", "no-such-token", "--key-label-prefix", prefix);
        await FailsAsync(Cli, "already provisioned", RequestArgs(ceremony, 1, prefix));
        string cluttered = Path.Combine(root.Path, "cluttered");
        Directory.CreateDirectory(cluttered);
        File.WriteAllText(Path.Combine(cluttered, "notes.txt"), "not a vault");
        await FailsAsync(Cli, "is neither empty nor a pending provisioning request", RequestArgs(cluttered, 1, prefix));

        string requestB = (await OkAsync(Cli, RequestArgs(b, 1, prefix))).Out.Trim();
        string requestC = (await OkAsync(Cli, RequestArgs(c, 2, prefix))).Out.Trim();
        await FailsAsync(Cli, "has a pending request for token 'lockbox-test-2'", RequestArgs(b, 2, prefix));
        string forB = Path.Combine(root.Path, "b.fleet");

        await FailsAsync(Cli, "is not a provisioning request", "vault", "provision", "wrap", "--dir", ceremony, "--request", Path.Combine(ceremony, "vault.json"), "--out", forB);
        await FailsAsync(Cli, "does not exist", "vault", "provision", "wrap", "--dir", ceremony, "--request", Path.Combine(root.Path, "missing"), "--out", forB);
        await FailsAsync(wrongPin, "is wrong", "vault", "provision", "wrap", "--dir", ceremony, "--request", requestB, "--out", forB);
        await FailsAsync(Cli, "not a vault directory", "vault", "provision", "wrap", "--dir", b, "--request", requestB, "--out", forB);
        await OkAsync(Cli, "vault", "provision", "wrap", "--dir", ceremony, "--request", requestB, "--out", forB);
        await FailsAsync(Cli, "refusing to overwrite", "vault", "provision", "wrap", "--dir", ceremony, "--request", requestB, "--out", forB);

        await FailsAsync(Cli, "is not a fleet-secrets file", "vault", "provision", "accept", "--dir", b, "--from", requestB);
        await FailsAsync(Cli, "wrapped for another token", "vault", "provision", "accept", "--dir", c, "--from", forB);
        string tampered = Path.Combine(root.Path, "tampered.fleet");
        File.WriteAllText(tampered, File.ReadAllText(forB).Replace("\"guessLimit\": 10", "\"guessLimit\": 100", StringComparison.Ordinal));
        await FailsAsync(Cli, "do not match their check value", "vault", "provision", "accept", "--dir", b, "--from", tampered);
        await FailsAsync(wrongPin, "is wrong", "vault", "provision", "accept", "--dir", b, "--from", forB);
        await FailsAsync(Cli, "not of the fleet key given", "vault", "provision", "accept", "--dir", b, "--from", forB, "--fleet-key", "lbfk1.another-fleet");
        await OkAsync(Cli, "vault", "provision", "accept", "--dir", b, "--from", forB, "--fleet-key", fleetKey);
        await FailsAsync(Cli, "already provisioned", "vault", "provision", "accept", "--dir", b, "--from", forB);
        await FailsAsync(Cli, "already provisioned", RequestArgs(b, 1, prefix));

        // A provisioned node is no ceremony node: its copies cannot be wrapped again.
        await FailsAsync(Cli, "only the node where the key ceremony ran", "vault", "provision", "wrap", "--dir", b, "--request", requestC, "--out", Path.Combine(root.Path, "c.fleet"));
    }
}
