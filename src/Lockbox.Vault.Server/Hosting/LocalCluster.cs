using System.Net;
using System.Net.Sockets;
using Lockbox.Vault.Cluster;
using Lockbox.Vault.Core;

namespace Lockbox.Vault.Server.Hosting;

/// <summary>
/// A replicated vault laid out in one directory for trying it out, the demo and tests
/// (<c>lockbox vault cluster --nodes 3 --dir D</c>):
/// <code>
/// D/cluster.conf        one member per line, ID=RAFT_HOST:PORT=URL (public; 127.0.0.1 ports chosen once)
/// D/node1 … D/nodeN     a vault directory per node: its own state, and the fleet secrets provisioned to its HSM
/// D/marks/nodeN.mark    each node's sealed high-water mark, outside its directory (docs/SECURITY.md, "Rollback")
/// </code>
/// The key ceremony runs once (in <c>node1</c>); its fleet secrets — the software HSM's OPRF seed and sealing key,
/// and the AKE and fleet signing keys sealed under it — are then provisioned to every other node, so every node
/// signs with the one pinned fleet key, derives the same OPRF keys and opens the same sealed log.
/// </summary>
public static class LocalCluster
{
    public const string ConfigName = "cluster.conf";

    /// <summary>True when <paramref name="directory"/> holds a local cluster.</summary>
    public static bool IsCluster(string directory) => File.Exists(Path.Combine(directory, ConfigName));

    /// <summary>The directory of node <paramref name="id"/>.</summary>
    public static string NodeDirectory(string directory, int id) => Path.Combine(Path.GetFullPath(directory), "node" + id.ToString(System.Globalization.CultureInfo.InvariantCulture));

    /// <summary>Where node <paramref name="id"/> keeps its sealed high-water mark: beside, not inside, its directory.</summary>
    public static string MarkPath(string directory, int id) => Path.Combine(Path.GetFullPath(directory), "marks", "node" + id.ToString(System.Globalization.CultureInfo.InvariantCulture) + ".mark");

    /// <summary>A vault directory, or node 1's directory when <paramref name="directory"/> is a local cluster (for token and fleet key).</summary>
    public static string AnyNode(string directory) => IsCluster(directory) ? NodeDirectory(directory, 1) : directory;

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

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
