using System.Net;
using System.Net.Http.Json;
using System.Net.Sockets;
using System.Text.RegularExpressions;
using Lockbox.Client.Vault;
using Lockbox.Cryptography;
using Lockbox.Vault.Cluster;
using Lockbox.Vault.Server.Hosting;
using Lockbox.Vault.Tests.Support;

namespace Lockbox.Vault.Tests.Cluster;

/// <summary>
/// A replicated vault whose three nodes each keep the fleet secrets in their own SoftHSM2 token: the ceremony on
/// token 1, the other two provisioned by <see cref="LocalCluster.ProvisionFleetSecrets"/> (wrapped for each token).
/// An account enrolled while one node leads logs in after that node is killed, through a node whose token derived
/// none of its keys before.
/// </summary>
[Collection(Pkcs11Collection.Name)]
public sealed partial class Pkcs11FleetTests
{
    private static readonly HttpClient Http = new() { Timeout = TimeSpan.FromSeconds(2) };

    [Fact]
    public async Task AnAccountEnrolledWhileOneTokensNodeLeadsLogsInThroughAnotherTokensNode()
    {
        _ = SoftHsm.TokenDirectory; // SOFTHSM2_CONF for this process and the node processes it starts
        using var root = new TempDir();
        string prefix = SoftHsm.NewKeyPrefix();
        VaultInitResult init = await VaultHost.InitAsync(new VaultInitOptions
        {
            Directory = LocalCluster.NodeDirectory(root.Path, 1), Hsm = "pkcs11", Pkcs11Library = SoftHsm.LibraryPath,
            TokenLabel = SoftHsm.NodeTokens[0], Pin = SoftHsm.UserPin, KeyLabelPrefix = prefix,
        });
        string? pinBefore = Environment.GetEnvironmentVariable(VaultHost.PinVariable);
        try
        {
            string node1 = LocalCluster.NodeDirectory(root.Path, 1), node2 = LocalCluster.NodeDirectory(root.Path, 2);
            Environment.SetEnvironmentVariable(VaultHost.PinVariable, null);
            Assert.Contains("no pending provisioning request", Assert.Throws<Lockbox.Vault.Core.VaultConfigurationException>(
                () => LocalCluster.ProvisionFleetSecrets(node1, node2)).Message, StringComparison.Ordinal);
            FleetProvisioning.Request(node2, SoftHsm.LibraryPath, SoftHsm.NodeTokens[1], prefix, SoftHsm.UserPin);
            Assert.Contains("LOCKBOX_HSM_PIN", Assert.Throws<Lockbox.Vault.Core.VaultConfigurationException>(
                () => LocalCluster.ProvisionFleetSecrets(node1, node2)).Message, StringComparison.Ordinal);
            Environment.SetEnvironmentVariable(VaultHost.PinVariable, SoftHsm.UserPin);
            for (int id = 2; id <= 3; id++)
            {
                FleetProvisioning.Request(LocalCluster.NodeDirectory(root.Path, id), SoftHsm.LibraryPath, SoftHsm.NodeTokens[id - 1], prefix, SoftHsm.UserPin);
                LocalCluster.ProvisionFleetSecrets(LocalCluster.NodeDirectory(root.Path, 1), LocalCluster.NodeDirectory(root.Path, id));
            }
        }
        finally
        {
            Environment.SetEnvironmentVariable(VaultHost.PinVariable, pinBefore);
        }
        Assert.All(new[] { 2, 3 }, id => Assert.Equal(init.FleetPublicKey, VaultHost.ReadFleetPublicKey(LocalCluster.NodeDirectory(root.Path, id))));

        ClusterMember[] members = [.. Enumerable.Range(1, 3).Select(id => new ClusterMember(id, new IPEndPoint(IPAddress.Loopback, FreePort()), new Uri($"http://127.0.0.1:{FreePort()}/")))];
        string config = Path.Combine(root.Path, LocalCluster.ConfigName);
        File.WriteAllLines(config, members.Select(m => m.ToString()));
        var nodes = new Dictionary<int, (ServeProcess Process, Uri Management)>();
        try
        {
            foreach (ClusterMember m in members)
            {
                var process = ServeProcess.Start(new Dictionary<string, string> { [VaultHost.PinVariable] = SoftHsm.UserPin },
                    "vault", "serve", "--dir", LocalCluster.NodeDirectory(root.Path, m.Id), "--node-id", m.Id.ToString(System.Globalization.CultureInfo.InvariantCulture),
                    "--cluster-config", config, "--metrics-urls", "http://127.0.0.1:0", "--state-mark", LocalCluster.MarkPath(root.Path, m.Id));
                bool serving = await process.WaitServingAsync(TimeSpan.FromSeconds(60));
                Assert.True(serving, process.Stderr);
                nodes[m.Id] = (process, new Uri(MetricsLine().Match(process.Stderr).Groups["url"].Value));
            }
            Assert.True(FleetKey.TryParse(init.FleetPublicKey, out byte[] pinned, out _));
            string account = EndToEnd.DeviceClients.NewAccount();
            VaultClient Device() => new(new VaultClientOptions
            {
                VaultUrl = members[0].PublicUrl, VaultUrls = [.. members.Select(m => m.PublicUrl)], AccountId = account,
                AccountToken = VaultHost.MintToken(LocalCluster.NodeDirectory(root.Path, 1), account), FleetPublicKey = pinned,
                KeyStretching = KeyStretchingPresets.Test, FailoverTimeout = TimeSpan.FromSeconds(30), RequestTimeout = TimeSpan.FromSeconds(5),
            });

            using BackupKey key = BackupKey.Generate();
            await LeaderAsync(nodes);
            using (VaultClient device = Device())
            {
                await device.EnrolAsync("three tokens, one fleet", key);
                await Assert.ThrowsAsync<VaultException>(() => device.RecoverAsync("a wrong guess"));
            }
            int enrolledBy = await LeaderAsync(nodes);
            nodes[enrolledBy].Process.Dispose(); // kill -9 of the node whose token served the enrolment
            nodes.Remove(enrolledBy);

            int second = await LeaderAsync(nodes);
            Assert.NotEqual(enrolledBy, second);
            using (VaultClient device = Device())
            {
                Assert.Equal(9, (await device.GetStatusAsync()).GuessesLeft);
                using BackupKey recovered = await device.RecoverAsync("three tokens, one fleet");
                Assert.True(recovered.SameAs(key));
            }
        }
        finally
        {
            foreach ((ServeProcess process, _) in nodes.Values) process.Dispose();
        }
    }

    private static async Task<int> LeaderAsync(Dictionary<int, (ServeProcess Process, Uri Management)> nodes)
    {
        using var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        while (true)
        {
            foreach ((int id, (_, Uri management)) in nodes)
            {
                try
                {
                    if (await Http.GetFromJsonAsync<ClusterStatus>(new Uri(management, "cluster")) is { Role: "leader" }) return id;
                }
                catch (Exception e) when (e is HttpRequestException or TaskCanceledException)
                {
                    // not up yet
                }
            }
            await Task.Delay(100, deadline.Token);
        }
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    [GeneratedRegex(@"metrics on (?<url>http://[^ ;]+/)")]
    private static partial Regex MetricsLine();
}
