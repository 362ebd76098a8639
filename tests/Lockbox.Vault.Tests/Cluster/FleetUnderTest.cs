using Lockbox.Client.Vault;
using Lockbox.Vault.Cluster;
using Lockbox.Vault.Protocol;
using Lockbox.Vault.Server.Hosting;
using Lockbox.Vault.Tests.EndToEnd;
using Lockbox.Vault.Tests.Support;

namespace Lockbox.Vault.Tests.Cluster;

/// <summary>
/// A local fleet of two Raft groups of three nodes (issue 10, "Scale past one group"), laid out by
/// <see cref="LocalCluster.CreateOrOpenFleetAsync"/> (one key ceremony, a fleet map in <c>fleet.json</c>); every node
/// is a real <c>lockbox vault serve --fleet-map … --group G</c> process on 127.0.0.1 with a management address.
/// </summary>
public sealed class FleetUnderTest : IAsyncLifetime
{
    private readonly TempDir _dir = new();
    private readonly Dictionary<(int Group, int Id), ServeProcess> _nodes = [];
    private readonly Dictionary<(int Group, int Id), Uri> _management = [];

    public IReadOnlyList<LocalFleetGroup> Groups { get; private set; } = [];

    internal FleetMap Map { get; private set; } = null!;

    public byte[] FleetKey { get; private set; } = [];

    public string Directory => _dir.Path;

    public async Task InitializeAsync()
    {
        Groups = await LocalCluster.CreateOrOpenFleetAsync(_dir.Path, groups: 2, nodes: 3);
        FleetMapModel? model = System.Text.Json.JsonSerializer.Deserialize<FleetMapModel>(File.ReadAllBytes(Path.Combine(_dir.Path, LocalCluster.FleetMapName)), VaultJson.Options);
        Assert.True(FleetMap.TryFrom(model, out FleetMap? map, out string? error), error);
        Map = map!;
        Assert.True(Client.Vault.FleetKey.TryParse(VaultHost.ReadFleetPublicKey(_dir.Path), out byte[] key, out _));
        FleetKey = key;
        await Task.WhenAll(Groups.SelectMany(g => g.Members.Select(m => StartAsync(g.Id, m.Id))));
        foreach (LocalFleetGroup g in Groups) await LeaderAsync(g.Id);
    }

    public LocalFleetGroup Group(int id) => Groups.Single(g => g.Id == id);

    public Uri Url(int group, int id) => Group(group).Members.Single(m => m.Id == id).PublicUrl;

    /// <summary>Starts node <paramref name="id"/> of <paramref name="group"/> (again) and waits until it serves.</summary>
    public async Task StartAsync(int group, int id)
    {
        LocalFleetGroup g = Group(group);
        (ServeProcess process, Uri management) = await ClusterUnderTest.StartNodeAsync($"group {group} node {id}",
            "--dir", LocalCluster.NodeDirectory(g.Directory, id), "--node-id", id.ToString(System.Globalization.CultureInfo.InvariantCulture),
            "--cluster-config", g.ConfigPath, "--state-mark", LocalCluster.MarkPath(g.Directory, id),
            "--fleet-map", Path.Combine(_dir.Path, LocalCluster.FleetMapName), "--group", group.ToString(System.Globalization.CultureInfo.InvariantCulture));
        lock (_nodes)
        {
            _nodes[(group, id)] = process;
            _management[(group, id)] = management;
        }
    }

    /// <summary>kill -9 of every node of <paramref name="group"/>.</summary>
    public void KillGroup(int group)
    {
        List<ServeProcess> doomed;
        lock (_nodes)
        {
            doomed = [.. _nodes.Where(n => n.Key.Group == group).Select(n => n.Value)];
            foreach ((int, int) key in _nodes.Keys.Where(k => k.Group == group).ToArray())
            {
                _nodes.Remove(key);
                _management.Remove(key);
            }
        }
        foreach (ServeProcess p in doomed) p.Dispose();
    }

    /// <summary>Starts every node of <paramref name="group"/> that is not running and waits for its leader.</summary>
    public async Task RestoreGroupAsync(int group)
    {
        bool running(int id)
        {
            lock (_nodes) return _nodes.ContainsKey((group, id));
        }
        await Task.WhenAll(Group(group).Members.Where(m => !running(m.Id)).Select(m => StartAsync(group, m.Id)));
        await LeaderAsync(group);
    }

    /// <summary>A running node's own view (role, term, commit index), or null when it does not answer.</summary>
    public async Task<ClusterStatus?> StatusAsync(int group, int id)
    {
        Uri? management;
        lock (_nodes) management = _management.GetValueOrDefault((group, id));
        return await ClusterUnderTest.StatusAtAsync(management);
    }

    /// <summary>Waits (generously) until a running node of <paramref name="group"/> says it leads; returns its id.</summary>
    public Task<int> LeaderAsync(int group) =>
        ClusterUnderTest.FirstLeaderAsync(() => [.. Group(group).Members.Select(m => m.Id)], id => StatusAsync(group, id));

    /// <summary>A new account id that the fleet map places in <paramref name="group"/>.</summary>
    public string AccountIn(int group)
    {
        while (true)
        {
            string account = DeviceClients.NewAccount();
            if (Map.GroupOf(account).Id == group) return account;
        }
    }

    /// <summary>A device given every node of the fleet, group 2's first (the SDK must route by the signed map, not by order).</summary>
    public VaultClient Device(string account, TimeSpan? failover = null, FleetMapPin? pin = null)
    {
        Uri[] urls = [.. Groups.OrderByDescending(g => g.Id).SelectMany(g => g.Members.Select(m => m.PublicUrl))];
        return new VaultClient(ClusterUnderTest.DeviceOptions(urls, _dir.Path, account, FleetKey, failover, pin: pin));
    }

    public Task DisposeAsync()
    {
        foreach (ServeProcess p in _nodes.Values) p.Dispose();
        _nodes.Clear();
        _dir.Dispose();
        return Task.CompletedTask;
    }
}
