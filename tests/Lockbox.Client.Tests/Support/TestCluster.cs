using Lockbox.Client.Vault;
using Lockbox.Vault.Cluster;
using Lockbox.Vault.Server.Hosting;

namespace Lockbox.Client.Tests.Support;

/// <summary>
/// A replicated vault of three nodes in process, as `lockbox demo` runs it: one key ceremony, the fleet secrets
/// provisioned to each node, Raft over TCP and plain http on 127.0.0.1 (loopback, so the client allows it).
/// <see cref="StopAsync"/> stops one node for good.
/// </summary>
internal sealed class TestCluster : IAsyncDisposable
{
    private readonly TempFolder _folder;
    private readonly Dictionary<int, RunningVault> _nodes;
    private readonly byte[] _fleetKey;

    private TestCluster(TempFolder folder, IReadOnlyList<ClusterMember> members, Dictionary<int, RunningVault> nodes, byte[] fleetKey)
    {
        _folder = folder;
        Members = members;
        _nodes = nodes;
        _fleetKey = fleetKey;
    }

    public IReadOnlyList<ClusterMember> Members { get; }

    public IReadOnlyList<Uri> NodeUrls => [.. Members.Select(m => m.PublicUrl)];

    private string Directory => Path.Combine(_folder.Path, "vault");

    public static async Task<TestCluster> StartAsync()
    {
        var folder = new TempFolder();
        string directory = Path.Combine(folder.Path, "vault");
        IReadOnlyList<ClusterMember> members = await LocalCluster.CreateOrOpenAsync(directory, 3);
        var nodes = new Dictionary<int, RunningVault>();
        foreach (ClusterMember m in members)
        {
            nodes[m.Id] = await VaultHost.StartAsync(LocalCluster.NodeDirectory(directory, m.Id), m.PublicUrl.GetLeftPart(UriPartial.Authority), new VaultServerOptions
            {
                ConfigureLogging = _ => { },
                AccountRequestsPerMinute = 100_000,
                AddressRequestsPerMinute = 100_000,
                Cluster = new ClusterOptions { Members = members, NodeId = m.Id, StateDirectory = "raft", MarkPath = LocalCluster.MarkPath(directory, m.Id) },
            });
        }
        Assert.True(FleetKey.TryParse(VaultHost.ReadFleetPublicKey(directory), out byte[] fleetKey, out string? error), error);
        return new TestCluster(folder, members, nodes, fleetKey);
    }

    /// <summary>What an app configures for one account: the given node addresses (default: all), token, pinned fleet key.</summary>
    public VaultClientOptions Options(string account, IReadOnlyList<Uri>? nodes = null)
    {
        IReadOnlyList<Uri> urls = nodes ?? NodeUrls;
        return new VaultClientOptions
        {
            VaultUrl = urls[0],
            VaultUrls = urls,
            AccountId = account,
            AccountToken = VaultHost.MintToken(LocalCluster.NodeDirectory(Directory, 1), account),
            FleetPublicKey = _fleetKey,
            KeyStretching = KeyStretchingPresets.Test,
        };
    }

    /// <summary>Stops node <paramref name="id"/> for good.</summary>
    public async Task StopAsync(int id)
    {
        await _nodes[id].DisposeAsync();
        _nodes.Remove(id);
    }

    public async ValueTask DisposeAsync()
    {
        foreach (RunningVault node in _nodes.Values) await node.DisposeAsync();
        _nodes.Clear();
        _folder.Dispose();
    }
}
