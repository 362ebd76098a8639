using System.Net;
using System.Net.Sockets;
using Lockbox.Vault.Cluster;
using Lockbox.Vault.Core;
using Lockbox.Vault.Protocol;

namespace Lockbox.Vault.Server.Hosting;

/// <summary>
/// A replicated vault laid out in one directory for trying it out, the demo and tests
/// (<c>lockbox vault cluster --nodes 3 --dir D</c>):
/// <code>
/// D/cluster.conf        one member per line, ID=RAFT_HOST:PORT=URL (public; 127.0.0.1 ports chosen once)
/// D/node1 … D/nodeN     a vault directory per node: its own state, and the fleet secrets provisioned to its HSM
/// D/marks/nodeN.mark    each node's sealed high-water mark, outside its directory (docs/SECURITY.md, "Rollback")
/// </code>
/// A fleet of several groups (<c>lockbox vault cluster --groups 2 --nodes 3 --dir D</c>) puts one such cluster in
/// each <c>D/groupG</c> and the signed-hello fleet map in <c>D/fleet.json</c> (docs/VAULT-API.md, "Fleet map"); the
/// key ceremony then runs once, in <c>D/group1/node1</c>, and every node of every group gets its secrets.
/// The key ceremony runs once (in <c>node1</c>); its fleet secrets — the software HSM's OPRF seed and sealing key,
/// and the AKE and fleet signing keys sealed under it — are then provisioned to every other node, so every node
/// signs with the one pinned fleet key, derives the same OPRF keys and opens the same sealed log.
/// </summary>
public static class LocalCluster
{
    public const string ConfigName = "cluster.conf";

    /// <summary>The fleet map of a local fleet of several groups.</summary>
    public const string FleetMapName = "fleet.json";

    /// <summary>True when <paramref name="directory"/> holds a local cluster.</summary>
    public static bool IsCluster(string directory) => File.Exists(Path.Combine(directory, ConfigName));

    /// <summary>True when <paramref name="directory"/> holds a local fleet of several groups.</summary>
    public static bool IsFleet(string directory) => File.Exists(Path.Combine(directory, FleetMapName));

    /// <summary>The directory of group <paramref name="id"/> of a local fleet.</summary>
    public static string GroupDirectory(string directory, int id) => Path.Combine(Path.GetFullPath(directory), "group" + id.ToString(System.Globalization.CultureInfo.InvariantCulture));

    /// <summary>The directory of node <paramref name="id"/>.</summary>
    public static string NodeDirectory(string directory, int id) => Path.Combine(Path.GetFullPath(directory), "node" + id.ToString(System.Globalization.CultureInfo.InvariantCulture));

    /// <summary>Where node <paramref name="id"/> keeps its sealed high-water mark: beside, not inside, its directory.</summary>
    public static string MarkPath(string directory, int id) => Path.Combine(Path.GetFullPath(directory), "marks", "node" + id.ToString(System.Globalization.CultureInfo.InvariantCulture) + ".mark");

    /// <summary>A vault directory, or node 1's directory when <paramref name="directory"/> is a local cluster or fleet (for token and fleet key).</summary>
    public static string AnyNode(string directory) =>
        IsFleet(directory) ? NodeDirectory(GroupDirectory(directory, 1), 1) : IsCluster(directory) ? NodeDirectory(directory, 1) : directory;

    /// <summary>Reads a member list: <c>ID=RAFT=URL</c> per line (or comma-separated); # starts a comment.</summary>
    public static IReadOnlyList<ClusterMember> ReadMembers(string path)
    {
        if (!File.Exists(path)) throw new VaultConfigurationException($"Cluster configuration {path} does not exist.");
        string text = string.Join(',', File.ReadAllLines(path).Select(l => l.Split('#')[0].Trim()).Where(l => l.Length > 0));
        return ClusterMember.ParseList(text);
    }

    /// <summary>Opens the cluster in <paramref name="directory"/>, or makes it (key ceremony once, provisioning to each node).</summary>
    public static async Task<IReadOnlyList<ClusterMember>> CreateOrOpenAsync(string directory, int nodes, int guessLimit = 10)
    {
        string root = Path.GetFullPath(directory);
        string config = Path.Combine(root, ConfigName);
        if (File.Exists(config))
        {
            IReadOnlyList<ClusterMember> existing = ReadMembers(config);
            if (existing.Count != nodes) throw new VaultConfigurationException($"{root} holds a cluster of {existing.Count} nodes, not {nodes}.");
            return existing;
        }
        if (nodes is < 1 or > 9) throw new VaultConfigurationException("A local cluster has 1 to 9 nodes (3 or 5 make sense).");
        if (Directory.Exists(root) && Directory.EnumerateFileSystemEntries(root).Any())
            throw new VaultConfigurationException($"{root} is neither empty nor a local cluster.");
        Directory.CreateDirectory(root);
        await VaultHost.InitAsync(new VaultInitOptions { Directory = NodeDirectory(root, 1), GuessLimit = guessLimit }).ConfigureAwait(false);
        var members = new List<ClusterMember>();
        for (int id = 1; id <= nodes; id++)
        {
            if (id > 1) ProvisionFleetSecrets(NodeDirectory(root, 1), NodeDirectory(root, id));
            members.Add(new ClusterMember(id, new IPEndPoint(IPAddress.Loopback, FreePort()), new Uri($"http://127.0.0.1:{FreePort()}/")));
        }
        File.WriteAllLines(config + ".tmp", ["# Lockbox local vault cluster: ID=RAFT_HOST:PORT=URL", .. members.Select(m => m.ToString())]);
        File.Move(config + ".tmp", config);
        return members;
    }

    /// <summary>
    /// Opens the local fleet in <paramref name="directory"/>, or makes it: <paramref name="groups"/> Raft groups of
    /// <paramref name="nodes"/> nodes, one key ceremony (in group 1's node 1) whose secrets are provisioned to every
    /// other node of every group, and a fleet map (version 1) splitting the slots evenly. One group is the plain
    /// local cluster (no map file: the default one-group map).
    /// </summary>
    public static async Task<IReadOnlyList<LocalFleetGroup>> CreateOrOpenFleetAsync(string directory, int groups, int nodes, int guessLimit = 10)
    {
        string root = Path.GetFullPath(directory);
        if (groups == 1 && !IsFleet(root))
            return [new LocalFleetGroup(1, root, await CreateOrOpenAsync(root, nodes, guessLimit).ConfigureAwait(false))];
        if (groups is < 1 or > 9) throw new VaultConfigurationException("A local fleet has 1 to 9 groups.");
        if (IsFleet(root))
        {
            var existing = new List<LocalFleetGroup>();
            for (int g = 1; File.Exists(Path.Combine(GroupDirectory(root, g), ConfigName)); g++)
                existing.Add(new LocalFleetGroup(g, GroupDirectory(root, g), ReadMembers(Path.Combine(GroupDirectory(root, g), ConfigName))));
            if (existing.Count != groups || existing.Any(e => e.Members.Count != nodes))
                throw new VaultConfigurationException($"{root} holds a fleet of {existing.Count} groups of {existing.FirstOrDefault()?.Members.Count ?? 0} nodes, not {groups} of {nodes}.");
            return existing;
        }
        if (nodes is < 1 or > 9) throw new VaultConfigurationException("A local cluster has 1 to 9 nodes (3 or 5 make sense).");
        if (Directory.Exists(root) && Directory.EnumerateFileSystemEntries(root).Any())
            throw new VaultConfigurationException($"{root} is neither empty nor a local fleet.");
        Directory.CreateDirectory(root);
        string first = NodeDirectory(GroupDirectory(root, 1), 1);
        await VaultHost.InitAsync(new VaultInitOptions { Directory = first, GuessLimit = guessLimit }).ConfigureAwait(false);
        var made = new List<LocalFleetGroup>();
        for (int g = 1; g <= groups; g++)
        {
            string groupDirectory = GroupDirectory(root, g);
            var members = new List<ClusterMember>();
            for (int id = 1; id <= nodes; id++)
            {
                if (g > 1 || id > 1) ProvisionFleetSecrets(first, NodeDirectory(groupDirectory, id));
                members.Add(new ClusterMember(id, new IPEndPoint(IPAddress.Loopback, FreePort()), new Uri($"http://127.0.0.1:{FreePort()}/")));
            }
            WriteAtomically(Path.Combine(groupDirectory, ConfigName), string.Join('\n', ["# Lockbox local vault cluster: ID=RAFT_HOST:PORT=URL", .. members.Select(m => m.ToString())]) + "\n");
            made.Add(new LocalFleetGroup(g, groupDirectory, members));
        }
        var map = new FleetMapModel(1, FleetMap.SlotCount, [.. made.Select(g => new FleetGroupModel(g.Id,
            [.. FleetMap.EvenSplit(groups, g.Id - 1).Select(r => new[] { r.First, r.Last })], [.. g.Members.Select(m => m.PublicUrl.AbsoluteUri)]))]);
        if (!FleetMap.TryFrom(map, out _, out string? error)) throw new InvalidOperationException(error);
        WriteAtomically(Path.Combine(root, FleetMapName), System.Text.Json.JsonSerializer.Serialize(map, new System.Text.Json.JsonSerializerOptions(VaultJson.Options) { WriteIndented = true }) + "\n");
        return made;
    }

    private static void WriteAtomically(string path, string text)
    {
        File.WriteAllText(path + ".tmp", text);
        File.Move(path + ".tmp", path, overwrite: true);
    }

    /// <summary>
    /// Provisions the fleet secrets of one node to a new node directory. For the software HSM it copies the HSM key file
    /// and the keys sealed under it (0600 files, made new). For PKCS#11 it runs the wrapped ceremony
    /// (<see cref="FleetProvisioning"/>, docs/VAULT-API.md "Fleet secrets"): <paramref name="toDirectory"/> must hold a
    /// pending request of its own token (<c>vault provision request</c>), and the PIN of both tokens is LOCKBOX_HSM_PIN.
    /// </summary>
    public static void ProvisionFleetSecrets(string fromDirectory, string toDirectory)
    {
        var from = new VaultDirectory(Path.GetFullPath(fromDirectory));
        string hsm = from.ReadConfig().Hsm;
        if (hsm == "pkcs11")
        {
            FleetProvisioning.Provision(fromDirectory, toDirectory, Environment.GetEnvironmentVariable(VaultHost.PinVariable));
            return;
        }
        if (hsm != "software") throw new VaultConfigurationException($"{from.Path}: unknown hsm '{hsm}' (software or pkcs11).");
        var to = new VaultDirectory(Path.GetFullPath(toDirectory));
        if (OperatingSystem.IsWindows()) Directory.CreateDirectory(to.Path);
        else Directory.CreateDirectory(to.Path, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        foreach ((string source, string target, bool secret) in new[]
        {
            (from.HsmKeyPath, to.HsmKeyPath, true), (from.ServerKeyPath, to.ServerKeyPath, true),
            (from.SigningKeyPath, to.SigningKeyPath, true), (from.TokenKeyPath, to.TokenKeyPath, true), (from.ConfigPath, to.ConfigPath, false),
        })
        {
            byte[] content = File.ReadAllBytes(source);
            try
            {
                VaultDirectory.WriteSecret(target, content, secret);
            }
            finally
            {
                System.Security.Cryptography.CryptographicOperations.ZeroMemory(content);
            }
        }
        Directory.CreateDirectory(to.StatePath);
    }

    /// <summary>
    /// A loopback port that is free now, chosen below the system's ephemeral range where there is room: the ports are
    /// written into the cluster's configuration and bound only when the nodes start, and a port from the ephemeral range
    /// (what binding port 0 gives) can be taken in between by any outgoing connection on the machine.
    /// </summary>
    private static int FreePort()
    {
        const int lowest = 10_000;
        int ephemeral = EphemeralRangeStart();
        for (int attempt = 0; ephemeral - lowest > 1_000 && attempt < 100; attempt++)
        {
            int port = System.Security.Cryptography.RandomNumberGenerator.GetInt32(lowest, ephemeral);
            try
            {
                using var probe = new TcpListener(IPAddress.Loopback, port);
                probe.Start();
                return port;
            }
            catch (SocketException)
            {
                // in use: try another
            }
        }
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    /// <summary>The first port of the ephemeral range (Linux says it in /proc; elsewhere the IANA range, 49152).</summary>
    private static int EphemeralRangeStart()
    {
        const string range = "/proc/sys/net/ipv4/ip_local_port_range";
        try
        {
            if (File.Exists(range) && int.TryParse(File.ReadAllText(range).Split((char[])['\t', ' ', '\n'], StringSplitOptions.RemoveEmptyEntries)[0],
                    System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out int start))
                return start;
        }
        catch (IOException)
        {
            // unreadable: the IANA default below
        }
        return 49_152;
    }
}
