using System.Net.Http.Json;
using System.Text.RegularExpressions;
using Lockbox.Client.Vault;
using Lockbox.Vault.Cluster;
using Lockbox.Vault.Server.Hosting;
using Lockbox.Vault.Tests.Support;

namespace Lockbox.Vault.Tests.Cluster;

/// <summary>
/// A local replicated vault for tests: <see cref="LocalCluster"/> lays it out (one key ceremony, the fleet secrets
/// provisioned to every node), and each node is a real <c>lockbox vault serve</c> process on 127.0.0.1 with its own
/// Raft port and a management address for <c>GET /cluster</c>. <see cref="Kill"/> is SIGKILL of that one process.
/// </summary>
public sealed partial class ClusterUnderTest : IAsyncLifetime
{
    private readonly TempDir _dir = new();
    private readonly Dictionary<int, ServeProcess> _nodes = [];
    private readonly Dictionary<int, Uri> _management = [];
    private static readonly HttpClient Http = new() { Timeout = TimeSpan.FromSeconds(2) };

    public IReadOnlyList<ClusterMember> Members { get; private set; } = [];

    public string Directory => _dir.Path;

    public byte[] FleetKey { get; private set; } = [];

    public async Task InitializeAsync()
    {
        Members = await LocalCluster.CreateOrOpenAsync(_dir.Path, 3, guessLimit: 10);
        Assert.True(Client.Vault.FleetKey.TryParse(VaultHost.ReadFleetPublicKey(_dir.Path), out byte[] key, out _));
        FleetKey = key;
        await Task.WhenAll(Members.Select(m => StartAsync(m.Id)));
        await LeaderAsync();
    }

    public string NodeDirectory(int id) => LocalCluster.NodeDirectory(_dir.Path, id);

    public bool IsRunning(int id) => _nodes.ContainsKey(id);

    /// <summary>Starts node <paramref name="id"/> (again) and waits until it serves.</summary>
    public async Task StartAsync(int id)
    {
        (ServeProcess process, Uri management) = await StartNodeAsync($"node {id}", "--dir", NodeDirectory(id), "--node-id", id.ToString(System.Globalization.CultureInfo.InvariantCulture),
            "--cluster-config", Path.Combine(_dir.Path, LocalCluster.ConfigName), "--state-mark", LocalCluster.MarkPath(_dir.Path, id));
        lock (_nodes)
        {
            _nodes[id] = process;
            _management[id] = management;
        }
    }

    /// <summary>
    /// Starts one <c>lockbox vault serve</c> process with <paramref name="args"/> and a management address, waits until it
    /// serves, and returns it with that address (read from its start-up line).
    /// </summary>
    internal static async Task<(ServeProcess Process, Uri Management)> StartNodeAsync(string name, params string[] args)
    {
        ServeProcess process = ServeProcess.Start(null, ["vault", "serve", .. args, "--metrics-urls", "http://127.0.0.1:0"]);
        if (!await process.WaitServingAsync(TimeSpan.FromSeconds(60)))
        {
            string error = process.Stderr;
            process.Dispose();
            Assert.Fail($"{name} did not start: {error}");
        }
        Match metrics = MetricsLine().Match(process.Stderr);
        Assert.True(metrics.Success, process.Stderr);
        return (process, new Uri(metrics.Groups["url"].Value));
    }

    /// <summary>What node <paramref name="id"/> has logged (stderr) since it last started.</summary>
    public string Log(int id)
    {
        lock (_nodes) return _nodes[id].Stderr;
    }

    /// <summary>Copies a stopped node's whole directory (an operator's backup of it).</summary>
    public static void CopyDirectory(string from, string to)
    {
        System.IO.Directory.CreateDirectory(to);
        foreach (string file in System.IO.Directory.EnumerateFiles(from, "*", SearchOption.AllDirectories))
        {
            string target = Path.Combine(to, Path.GetRelativePath(from, file));
            System.IO.Directory.CreateDirectory(Path.GetDirectoryName(target)!);
            File.Copy(file, target, overwrite: true);
        }
    }

    /// <summary>The term and commit index node <paramref name="id"/>'s sealed mark holds now (null: none yet).</summary>
    internal StateMark? Mark(int id)
    {
        using var hsm = Lockbox.Vault.Server.Hsm.SoftwareHsm.Open(Path.Combine(NodeDirectory(id), "hsm.key"));
        return StateMark.Read(hsm, LocalCluster.MarkPath(_dir.Path, id), id);
    }

    /// <summary>kill -9 of node <paramref name="id"/>.</summary>
    public void Kill(int id)
    {
        ServeProcess process;
        lock (_nodes)
        {
            process = _nodes[id];
            _nodes.Remove(id);
            _management.Remove(id);
        }
        process.Dispose(); // Process.Kill: SIGKILL, no chance to flush or say goodbye
    }

    /// <summary>Starts every node that is not running.</summary>
    public async Task RestoreAllAsync()
    {
        foreach (ClusterMember m in Members)
            if (!IsRunning(m.Id)) await StartAsync(m.Id);
        await LeaderAsync();
    }

    /// <summary>A running node's own view (role, term, commit index), or null when it does not answer.</summary>
    public async Task<ClusterStatus?> StatusAsync(int id)
    {
        Uri? management;
        lock (_nodes) management = _management.GetValueOrDefault(id);
        return await StatusAtAsync(management);
    }

    /// <summary>What <c>GET /cluster</c> on a management address says, or null when nothing answers in time.</summary>
    internal static async Task<ClusterStatus?> StatusAtAsync(Uri? management)
    {
        if (management is null) return null;
        try
        {
            return await Http.GetFromJsonAsync<ClusterStatus>(new Uri(management, "cluster"));
        }
        catch (Exception e) when (e is HttpRequestException or TaskCanceledException)
        {
            return null;
        }
    }

    /// <summary>Node <paramref name="id"/>'s status, asked again (generously) while a loaded machine lets it time out.</summary>
    public async Task<ClusterStatus> RequireStatusAsync(int id)
    {
        using var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        while (true)
        {
            if (await StatusAsync(id) is { } status) return status;
            await Task.Delay(100, deadline.Token);
        }
    }

    /// <summary>Waits (generously) until a running node says it leads; returns its id.</summary>
    public Task<int> LeaderAsync() => FirstLeaderAsync(() => _nodes.Keys.ToArray(), StatusAsync);

    /// <summary>Waits (generously) until one of the nodes <paramref name="ids"/> lists says it leads; returns its id.</summary>
    internal static async Task<int> FirstLeaderAsync(Func<int[]> ids, Func<int, Task<ClusterStatus?>> status)
    {
        using var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        while (true)
        {
            foreach (int id in ids())
                if (await status(id) is { Role: "leader" }) return id;
            await Task.Delay(100, deadline.Token);
        }
    }

    /// <summary>Waits until node <paramref name="id"/> has applied at least <paramref name="index"/>.</summary>
    public async Task WaitAppliedAsync(int id, long index)
    {
        using var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        while (await StatusAsync(id) is not { } s || s.AppliedIndex < index) await Task.Delay(100, deadline.Token);
    }

    /// <summary>A device that knows every node, trying them from <paramref name="first"/> on.</summary>
    public VaultClient Device(string account, int first = 1, TimeSpan? failover = null, int? guessLimit = null)
    {
        Uri[] urls = [.. Members.OrderBy(m => (m.Id - first + Members.Count) % Members.Count).Select(m => m.PublicUrl)];
        return new VaultClient(DeviceOptions(urls, _dir.Path, account, FleetKey, failover, guessLimit));
    }

    /// <summary>What a test device of a local cluster or fleet in <paramref name="directory"/> is given: every node, a minted token, the test key stretching.</summary>
    internal static VaultClientOptions DeviceOptions(Uri[] urls, string directory, string account, byte[] fleetKey, TimeSpan? failover, int? guessLimit = null, FleetMapPin? pin = null) => new()
    {
        VaultUrl = urls[0],
        VaultUrls = urls,
        AccountId = account,
        AccountToken = VaultHost.MintToken(directory, account),
        FleetPublicKey = fleetKey,
        KeyStretching = KeyStretchingPresets.Test,
        FailoverTimeout = failover ?? TimeSpan.FromSeconds(30),
        RequestTimeout = TimeSpan.FromSeconds(5),
        GuessLimit = guessLimit,
        FleetMapPin = pin,
    };

    public Task DisposeAsync()
    {
        foreach (ServeProcess p in _nodes.Values) p.Dispose();
        _nodes.Clear();
        _dir.Dispose();
        return Task.CompletedTask;
    }

    [GeneratedRegex(@"metrics on (?<url>http://[^ ;]+/)")]
    private static partial Regex MetricsLine();
}
