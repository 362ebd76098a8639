using System.Diagnostics;
using Lockbox.Cli.Output;
using Lockbox.Client;
using Lockbox.Client.Vault;
using Lockbox.Cryptography;
using Lockbox.Opaque;
using Lockbox.Repository;
using Lockbox.Vault.Server.Hosting;

namespace Lockbox.Cli.Demo;

/// <summary>
/// The demo's password mode: a replicated key vault of three nodes embedded on random loopback ports (one key
/// ceremony with a software HSM in the demo's temp folder, its secrets provisioned to each node; Raft over TCP;
/// HTTPS with one development certificate), the phone escrowing K behind a password, then the leader node is
/// stopped and the new device gets K back from the two others with only the password — after one mistyped
/// attempt, so the user sees the guess counter at work.
/// </summary>
internal sealed class PasswordDemo : IAsyncDisposable
{
    public const string Account = "demo-user@example.com";
    public const string Password = "correct horse battery staple";
    private const string Mistyped = "correct horse battery stapler";

    private readonly Dictionary<int, RunningVault> _nodes;
    private readonly string _urls;
    private readonly Argon2idKeyStretching _stretching;
    private readonly string _token;
    private readonly byte[] _fleetKey;

    private readonly string _certificate;

    private PasswordDemo(Dictionary<int, RunningVault> nodes, string urls, Argon2idKeyStretching stretching, string token, byte[] fleetKey, string certificate)
    {
        _certificate = certificate;
        _nodes = nodes;
        _urls = urls;
        _stretching = stretching;
        _token = token;
        _fleetKey = fleetKey;
    }

    /// <summary>What the repository should remember so the new device finds the vault.</summary>
    public RepositoryHints Hints => new(_urls, Account);

    public static async Task<(PasswordDemo Demo, string Detail)> StartAsync(string work, Argon2idKeyStretching stretching)
    {
        string directory = Path.Combine(work, "vault");
        IReadOnlyList<Lockbox.Vault.Cluster.ClusterMember> local = await LocalCluster.CreateOrOpenAsync(directory, 3).ConfigureAwait(false);
        // HTTPS, as a real vault: one self-signed development certificate (127.0.0.1) for every node, trusted explicitly by the phones.
        (string certificate, string certificateKey) = VaultTls.CreateDevCertificate(LocalCluster.NodeDirectory(directory, 1));
        Lockbox.Vault.Cluster.ClusterMember[] members = [.. local.Select(m => m with { PublicUrl = new Uri("https://" + m.PublicUrl.Authority + "/") })];
        var nodes = new Dictionary<int, RunningVault>();
        try
        {
            foreach (Lockbox.Vault.Cluster.ClusterMember m in members)
            {
                nodes[m.Id] = await VaultHost.StartAsync(LocalCluster.NodeDirectory(directory, m.Id), m.PublicUrl.GetLeftPart(UriPartial.Authority), new VaultServerOptions
                {
                    ConfigureLogging = _ => { },
                    TlsCertificatePath = certificate,
                    TlsKeyPath = certificateKey,
                    Cluster = new Lockbox.Vault.Cluster.ClusterOptions
                    {
                        Members = members, NodeId = m.Id, StateDirectory = "raft", MarkPath = LocalCluster.MarkPath(directory, m.Id),
                    },
                }).ConfigureAwait(false);
            }
            string fleetText = VaultHost.ReadFleetPublicKey(directory);
            if (!FleetKey.TryParse(fleetText, out byte[] fleetKey, out string? error))
                throw new CliException(ExitCodes.Failure, $"The demo vault's fleet key: {error}");
            string urls = string.Join(',', members.Select(m => m.PublicUrl.AbsoluteUri));
            var demo = new PasswordDemo(nodes, urls, stretching, VaultHost.MintToken(directory, Account), fleetKey, certificate);
            return (demo, $"a 3-node vault (Raft over TCP, one key ceremony, its software-HSM secrets provisioned to each node in {directory}; TLS with a development certificate) on {urls}; the phone pins its fleet key {fleetText}");
        }
        catch
        {
            foreach (RunningVault node in nodes.Values) await node.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    /// <summary>Escrows the phone's K behind the password.</summary>
    public async Task<(VaultAccountStatus Status, string Detail)> EnrolAsync(DeviceState phone, CancellationToken ct)
    {
        using BackupKey key = phone.TryLoadKey() ?? throw new CliException(ExitCodes.Failure, "The demo phone has no backup key to escrow.");
        using VaultClient client = Client(Hints);
        var clock = Stopwatch.StartNew();
        VaultAccountStatus status = await client.EnrolAsync(Password, key, ct).ConfigureAwait(false);
        return (status, $"the user picks the password \"{Password}\"; OPAQUE registration with {_stretching}, K wrapped on the phone " +
            $"and sent as 60 opaque bytes ({status.GuessLimit} wrong guesses erase it) in {Units.Duration(clock.Elapsed)}");
    }

    /// <summary>On the new device: reads the vault address from the repository, mistypes once, then recovers K.</summary>
    public async Task<(BackupKey Key, string Detail)> RecoverAsync(string repository, CancellationToken ct)
    {
        RepositoryHints hints = await VaultHints.ReadAsync(repository, ct).ConfigureAwait(false)
            ?? throw new CliException(ExitCodes.Failure, "The demo repository does not remember its vault.");
        // A node goes down: the leader, the one every count went through so far.
        int leader = _nodes.FirstOrDefault(n => n.Value.ClusterRole == "leader").Key;
        if (leader == 0) leader = _nodes.Keys.First(); // between elections: stop any node
        await _nodes[leader].DisposeAsync().ConfigureAwait(false);
        _nodes.Remove(leader);
        using VaultClient client = Client(hints);
        string mistake;
        try
        {
            using BackupKey wrong = await client.RecoverAsync(Mistyped, ct).ConfigureAwait(false);
            throw new CliException(ExitCodes.Failure, "The vault released the key for a wrong password.");
        }
        catch (VaultException e) when (e.Failure == VaultFailure.WrongPassword)
        {
            mistake = e.Message;
        }
        var clock = Stopwatch.StartNew();
        BackupKey key = await client.RecoverAsync(Password, ct).ConfigureAwait(false);
        return (key, $"the repository names the vault's nodes {hints.VaultUrl} and account '{hints.AccountId}'; vault node {leader} (the leader) is stopped, the two others elect a new leader and the SDK moves to it; a mistyped password: \"{mistake}\"; " +
            $"the right one: OPAQUE login, K unwrapped on the device in {Units.Duration(clock.Elapsed)}; a right password clears the wrong-guess count");
    }

    private VaultClient Client(RepositoryHints hints) => new(new VaultClientOptions
    {
        VaultUrl = new Uri(hints.VaultUrl!.Split(',')[0]),
        VaultUrls = [.. hints.VaultUrl.Split(',').Select(u => new Uri(u))],
        AccountId = hints.AccountId!,
        AccountToken = _token,
        FleetPublicKey = _fleetKey,
        KeyStretching = _stretching,
        TrustedCertificatesPath = _certificate,
    });

    public async ValueTask DisposeAsync()
    {
        foreach (RunningVault node in _nodes.Values) await node.DisposeAsync().ConfigureAwait(false);
        _nodes.Clear();
    }
}
