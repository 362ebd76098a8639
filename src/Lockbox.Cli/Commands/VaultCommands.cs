using System.CommandLine;
using Lockbox.Vault.Server.Hosting;

namespace Lockbox.Cli.Commands;

/// <summary>
/// <c>lockbox vault init|serve|cluster|token|dev-cert</c>: run a key vault node, or a local replicated vault. The key ceremony prints the fleet public key
/// that devices pin; the HSM PIN comes from LOCKBOX_HSM_PIN, never argv.
/// </summary>
internal static class VaultCommands
{
    public static IEnumerable<Command> Create(CliContext context)
    {
        var vault = new Command("vault", "Run a backup key vault node (OPAQUE password escrow with a guess limit)")
        {
            Init(context), Serve(context), ClusterCommand(context), Token(context), DevCert(context),
            VaultProvisionCommands.Create(context),
        };
        yield return vault;
    }

    private static Option<string> Dir() => new("--dir") { Description = "The vault directory", Required = true };

    private static Command Init(CliContext context)
    {
        Option<string> dir = Dir();
        var hsm = new Option<string>("--hsm") { Description = "Where the vault's secrets live: software (a key file in DIR) or pkcs11", DefaultValueFactory = _ => "software" };
        hsm.AcceptOnlyFromAmong("software", "pkcs11");
        var library = new Option<string?>("--pkcs11-library") { Description = "The PKCS#11 module, e.g. /usr/lib/softhsm/libsofthsm2.so" };
        var label = new Option<string?>("--token-label") { Description = "The PKCS#11 token's label" };
        var prefix = new Option<string>("--key-label-prefix") { Description = "Label prefix of the vault's key objects in the PKCS#11 token (several vaults can share a token)", DefaultValueFactory = _ => "lockbox-vault" };
        var guessLimit = new Option<int>("--guess-limit") { Description = "Wrong passwords before an escrowed key is erased", DefaultValueFactory = _ => 10 };
        var init = new Command("init", $"Key ceremony: create the vault's secrets in a new directory and print the fleet public key (PIN from {VaultHost.PinVariable})")
        {
            dir, hsm, library, label, prefix, guessLimit,
        };
        init.SetAction(async (parse, ct) =>
        {
            VaultInitResult result = await VaultHost.InitAsync(new VaultInitOptions
            {
                Directory = parse.GetRequiredValue(dir),
                Hsm = parse.GetRequiredValue(hsm),
                Pkcs11Library = parse.GetValue(library),
                TokenLabel = parse.GetValue(label),
                KeyLabelPrefix = parse.GetRequiredValue(prefix),
                Pin = context.Environment(VaultHost.PinVariable),
                GuessLimit = parse.GetValue(guessLimit),
            }).ConfigureAwait(false);
            await context.Error.WriteLineAsync($"lockbox: created the vault in {result.Directory} ({result.Hsm} HSM). Its fleet key (the Ed25519 key that signs every answer) follows; devices pin it with --fleet-key or LOCKBOX_FLEET_KEY.").ConfigureAwait(false);
            await context.Out.WriteLineAsync(result.FleetPublicKey).ConfigureAwait(false);
            return ExitCodes.Success;
        });
        return init;
    }

    public const string TlsCertVariable = "LOCKBOX_VAULT_TLS_CERT";
    public const string TlsKeyVariable = "LOCKBOX_VAULT_TLS_KEY";
    public const string MetricsUrlsVariable = "LOCKBOX_VAULT_METRICS_URLS";
    public const string PublicUrlsVariable = "LOCKBOX_VAULT_PUBLIC_URLS";

    private static Command Serve(CliContext context)
    {
        var dir = new Option<string?>("--dir") { Description = "The vault directory (or Dir in --config, or LOCKBOX_VAULT__Dir)" };
        var configFile = new Option<string?>("--config") { Description = "An appsettings-style JSON file: Dir, Urls, MetricsUrls, PublicUrls, TlsCert, TlsKey, AuditLog, ServiceName, Kestrel (endpoints, certificates), Logging (levels); LOCKBOX_VAULT__Key variables override it and the command line overrides both (docs/OPERATIONS.md)" };
        var logLevel = new Option<string?>("--log-level") { Description = "Minimum log level: Trace, Debug, Information (default), Warning, Error, Critical or None" };
        logLevel.AcceptOnlyFromAmong("Trace", "Debug", "Information", "Warning", "Error", "Critical", "None");
        var serviceName = new Option<string?>("--service-name") { Description = "The OpenTelemetry service name of this node's metrics (default lockbox-vault)" };
        var urls = new Option<string?>("--urls") { Description = "Where to listen, e.g. http://127.0.0.1:8443 or https://0.0.0.0:8443 (with --tls-cert); default http://127.0.0.1:8443, or Kestrel:Endpoints of --config" };
        var tlsCert = new Option<string?>("--tls-cert") { Description = $"PEM certificate (chain) for https:// addresses (or {TlsCertVariable})" };
        var tlsKey = new Option<string?>("--tls-key") { Description = $"PEM private key of --tls-cert (or {TlsKeyVariable})" };
        var metricsUrls = new Option<string?>("--metrics-urls") { Description = $"Management address serving GET /metrics, e.g. http://127.0.0.1:9464 (or {MetricsUrlsVariable}; default: metrics not served)" };
        var proxies = new Option<string[]>("--trusted-proxy") { Description = "IP address of a reverse proxy whose X-Forwarded-For is believed (repeatable; default: none, the header is ignored)", AllowMultipleArgumentsPerToken = false };
        var networks = new Option<string[]>("--trusted-proxy-network") { Description = "CIDR range of trusted reverse proxies, e.g. 10.0.0.0/8 (repeatable)" };
        var publicUrls = new Option<string[]>("--public-url") { Description = $"An address devices use to reach this vault, listed in its signed hello (repeatable, or comma-separated in {PublicUrlsVariable}; default: the addresses it listens on). Needed behind a proxy or when listening on 0.0.0.0" };
        var nodeId = new Option<int?>("--node-id") { Description = "This node's id in a replicated vault (with --peers or --cluster-config)" };
        var peers = new Option<string?>("--peers") { Description = "Every member of the replicated vault, this one included: ID=RAFT_HOST:PORT=URL, comma-separated" };
        var clusterConfig = new Option<string?>("--cluster-config") { Description = "A file listing the replicated vault's members, one ID=RAFT_HOST:PORT=URL per line (instead of --peers)" };
        var stateMark = new Option<string?>("--state-mark") { Description = "A replicated node's sealed high-water mark file, kept OUTSIDE --dir (where a restore of the directory does not reach): a node whose state is behind it rejoins as a standby and never votes twice in a term" };
        var fleetMap = new Option<string?>("--fleet-map") { Description = "The fleet map (JSON, docs/VAULT-API.md \"Fleet map\") of a vault of several Raft groups, served in the signed hello; the same file on every node. Default: one group" };
        var group = new Option<int?>("--group") { Description = "This node's group in --fleet-map (needed when the map has several)" };
        var auditLog = new Option<string?>("--audit-log") { Description = "Also append the audit trail of account operations (one JSON line each, no secrets) to FILE, created 0600; it always goes to the log category Lockbox.Vault.Audit" };
        var serve = new Command("serve", "Serve the vault's HTTP API until Ctrl-C or SIGTERM (one process per vault directory)") { dir, urls, tlsCert, tlsKey, metricsUrls, proxies, networks, publicUrls, nodeId, peers, clusterConfig, stateMark, fleetMap, group, auditLog, configFile, logLevel, serviceName };
        serve.SetAction(async (parse, ct) =>
        {
            var given = new Dictionary<string, string?>();
            void Given(string key, string? value)
            {
                if (value is not null) given[key] = value;
            }
            Given("Dir", parse.GetValue(dir));
            Given("Urls", parse.GetValue(urls));
            Given("TlsCert", parse.GetValue(tlsCert));
            Given("TlsKey", parse.GetValue(tlsKey));
            Given("MetricsUrls", parse.GetValue(metricsUrls));
            Given("AuditLog", parse.GetValue(auditLog));
            Given("ServiceName", parse.GetValue(serviceName));
            Given("Logging:LogLevel:Default", parse.GetValue(logLevel));
            Microsoft.Extensions.Configuration.IConfiguration config;
            try
            {
                config = VaultServeConfiguration.Build(parse.GetValue(configFile), given);
            }
            catch (Lockbox.Vault.Core.VaultConfigurationException e)
            {
                throw new CliException(ExitCodes.Usage, e.Message);
            }
            string directory = config["Dir"] ?? throw new CliException(ExitCodes.Usage, "Which vault directory? Give --dir DIR (or Dir in --config FILE, or LOCKBOX_VAULT__Dir).");
            string[] configuredPublicUrls = [.. config.GetSection("PublicUrls").GetChildren().Select(c => c.Value).OfType<string>()];
            Lockbox.Vault.Cluster.ClusterOptions? cluster = Membership(parse.GetValue(nodeId), parse.GetValue(peers), parse.GetValue(clusterConfig));
            if (parse.GetValue(group) is not null && parse.GetValue(fleetMap) is null) throw new CliException(ExitCodes.Usage, "--group names a group of the fleet map: give --fleet-map FILE too.");
            if (cluster is not null) cluster = cluster with { MarkPath = parse.GetValue(stateMark) is { } mark ? Path.GetFullPath(mark) : null };
            else if (parse.GetValue(stateMark) is not null) throw new CliException(ExitCodes.Usage, "--state-mark is for a replicated node (with --node-id).");
            string listen = cluster is not null && config["Urls"] is null
                ? cluster.Self.PublicUrl.GetLeftPart(UriPartial.Authority) // a member listens where its peers list it
                : config["Urls"] ?? "http://127.0.0.1:8443";
            await using RunningVault running = await VaultHost.StartAsync(directory, listen,
                new VaultServerOptions
                {
                    Cluster = cluster,
                    FleetMapPath = parse.GetValue(fleetMap) is { } map ? Path.GetFullPath(map) : null,
                    Group = parse.GetValue(group),
                    AuditLogPath = config["AuditLog"] is { } audit ? Path.GetFullPath(audit) : null,
                    Pin = context.Environment(VaultHost.PinVariable),
                    TlsCertificatePath = config["TlsCert"] ?? NonEmpty(context.Environment(TlsCertVariable)),
                    TlsKeyPath = config["TlsKey"] ?? NonEmpty(context.Environment(TlsKeyVariable)),
                    MetricsUrls = config["MetricsUrls"] ?? NonEmpty(context.Environment(MetricsUrlsVariable)),
                    Configuration = config,
                    ServiceName = config["ServiceName"] ?? "lockbox-vault",
                    KnownProxies = parse.GetValue(proxies) ?? [],
                    KnownNetworks = parse.GetValue(networks) ?? [],
                    PublicUrls = PublicUrls(parse.GetValue(publicUrls) is { Length: > 0 } listed ? listed
                        : configuredPublicUrls.Length > 0 ? configuredPublicUrls : NonEmpty(context.Environment(PublicUrlsVariable))?.Split(',') ?? []),
                }).ConfigureAwait(false);
            string metrics = running.MetricsAddress is null ? "" : $"; metrics on {running.MetricsAddress}";
            string member = cluster is null ? "" : $"; node {cluster.NodeId} of {cluster.Members.Count}{(parse.GetValue(group) is { } g ? $" in group {g}" : "")}, Raft on {cluster.Self.RaftEndPoint}"
                + (running.RejoinedAfterStateLoss ? ", its state is behind its mark (a cut log or an older copy of its directory): rejoining as a standby until caught up" : "");
            await context.Error.WriteLineAsync($"lockbox: vault serving on {running.BaseAddress} (fleet key {running.FleetPublicKey}){metrics}{member}; Ctrl-C stops it.").ConfigureAwait(false);
            try
            {
                await Task.Delay(Timeout.Infinite, ct).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                // Ctrl-C or SIGTERM: a normal stop.
            }
            await context.Error.WriteLineAsync("lockbox: vault stopped.").ConfigureAwait(false);
            return ExitCodes.Success;
        });
        return serve;
    }

    /// <summary>The replicated vault this node joins, or null for a single node; a half-given one is a usage error.</summary>
    private static Lockbox.Vault.Cluster.ClusterOptions? Membership(int? nodeId, string? peers, string? configFile)
    {
        if (nodeId is null && peers is null && configFile is null) return null;
        if (nodeId is null) throw new CliException(ExitCodes.Usage, "A replicated node needs --node-id N as well as --peers or --cluster-config.");
        if (peers is not null == configFile is not null) throw new CliException(ExitCodes.Usage, "Give the replicated vault's members with either --peers or --cluster-config (one of them).");
        try
        {
            var members = peers is not null ? Lockbox.Vault.Cluster.ClusterMember.ParseList(peers) : LocalCluster.ReadMembers(configFile!);
            var options = new Lockbox.Vault.Cluster.ClusterOptions { Members = members, NodeId = nodeId.Value, StateDirectory = "raft" };
            _ = options.Self; // the id must be among the members
            return options;
        }
        catch (Lockbox.Vault.Core.VaultConfigurationException e)
        {
            throw new CliException(ExitCodes.Usage, e.Message);
        }
    }

    private static Command ClusterCommand(CliContext context)
    {
        Option<string> dir = Dir();
        var nodes = new Option<int>("--nodes") { Description = "How many nodes per group (3 or 5; each its own process on 127.0.0.1)", DefaultValueFactory = _ => 3 };
        var groups = new Option<int>("--groups") { Description = "How many Raft groups the accounts are spread over (a fleet map in DIR/fleet.json when more than 1)", DefaultValueFactory = _ => 1 };
        var guessLimit = new Option<int>("--guess-limit") { Description = "Wrong passwords before an escrowed key is erased (when the cluster is made)", DefaultValueFactory = _ => 10 };
        var command = new Command("cluster", "Run a local replicated vault: make it in DIR the first time (one key ceremony, its secrets provisioned to every node of every group), start one 'vault serve' process per node, print each node's URL and stay until Ctrl-C or SIGTERM, which stops them all")
        {
            dir, nodes, groups, guessLimit,
        };
        command.SetAction(async (parse, ct) =>
        {
            string root = Path.GetFullPath(parse.GetRequiredValue(dir));
            IReadOnlyList<LocalFleetGroup> fleet = await LocalCluster.CreateOrOpenFleetAsync(root, parse.GetValue(groups), parse.GetValue(nodes), parse.GetValue(guessLimit)).ConfigureAwait(false);
            string? map = LocalCluster.IsFleet(root) ? Path.Combine(root, LocalCluster.FleetMapName) : null;
            await using var children = new VaultChildren();
            foreach (LocalFleetGroup g in fleet)
                foreach (Lockbox.Vault.Cluster.ClusterMember m in g.Members)
                    children.Start(LocalCluster.NodeDirectory(g.Directory, m.Id), m.Id, g.ConfigPath, map is null ? [] : ["--fleet-map", map, "--group", g.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)]);
            int count = fleet.Sum(g => g.Members.Count);
            string shape = fleet.Count == 1 ? $"{count} nodes" : $"{fleet.Count} groups of {fleet[0].Members.Count} nodes (fleet map {map})";
            await context.Error.WriteLineAsync($"lockbox: local vault cluster in {root}: {shape} (logs in each node's serve.log); fleet key {VaultHost.ReadFleetPublicKey(root)}. Ctrl-C stops every node.").ConfigureAwait(false);
            foreach (LocalFleetGroup g in fleet)
                foreach (Lockbox.Vault.Cluster.ClusterMember m in g.Members)
                    await context.Out.WriteLineAsync(fleet.Count == 1 ? $"node {m.Id}: {m.PublicUrl}" : $"group {g.Id} node {m.Id}: {m.PublicUrl}").ConfigureAwait(false);
            if (fleet.Count > 1)
                foreach (LocalFleetGroup g in fleet)
                    await context.Out.WriteLineAsync($"group {g.Id}: " + string.Join(',', g.Members.Select(m => m.PublicUrl.AbsoluteUri))).ConfigureAwait(false);
            await context.Out.WriteLineAsync("--vault " + string.Join(',', fleet.SelectMany(g => g.Members).Select(m => m.PublicUrl.AbsoluteUri))).ConfigureAwait(false);
            await context.Out.FlushAsync(ct).ConfigureAwait(false);
            try
            {
                await children.WaitAnyExitAsync(ct).ConfigureAwait(false);
                await context.Error.WriteLineAsync("lockbox: a vault node stopped on its own; stopping the others (see its serve.log).").ConfigureAwait(false);
                return ExitCodes.Failure;
            }
            catch (OperationCanceledException)
            {
                await context.Error.WriteLineAsync("lockbox: stopping every vault node.").ConfigureAwait(false);
                return ExitCodes.Success;
            }
        });
        return command;
    }

    private static string? NonEmpty(string? value) => string.IsNullOrWhiteSpace(value) ? null : value;

    /// <summary>The addresses the signed hello lists: absolute http(s) URLs without query or fragment.</summary>
    private static Uri[] PublicUrls(string[] values) => [.. values.Select(v => v.Trim()).Where(v => v.Length > 0).Select(v =>
        Uri.TryCreate(v, UriKind.Absolute, out Uri? u) && u.Scheme is "https" or "http" && u.Query.Length == 0 && u.Fragment.Length == 0
            && u.Host is not ("0.0.0.0" or "[::]")
            ? u
            : throw new CliException(ExitCodes.Usage, $"--public-url '{v}' is not an address devices can use: give an absolute https:// (or http://) URL naming this vault's host, such as https://vault.example.org:8443/."))];

    private static Command DevCert(CliContext context)
    {
        Option<string> dir = Dir();
        var devCert = new Command("dev-cert", "Make a self-signed development TLS certificate for 127.0.0.1, ::1 and localhost in the vault directory; prints its path (pin it on devices with --vault-ca)") { dir };
        devCert.SetAction(parse =>
        {
            (string certificate, string key) = VaultTls.CreateDevCertificate(parse.GetRequiredValue(dir));
            context.Error.WriteLine($"lockbox: wrote {certificate} and {key} (0600). Serve with --urls https://127.0.0.1:PORT --tls-cert {certificate} --tls-key {key}; devices trust it with --vault-ca {certificate}. For development only.");
            context.Out.WriteLine(certificate);
            return ExitCodes.Success;
        });
        return devCert;
    }

    private static Command Token(CliContext context)
    {
        Option<string> dir = Dir();
        var account = new Option<string>("--account") { Description = "The account id the token is for", Required = true };
        var days = new Option<int>("--days") { Description = "How long the token is valid", DefaultValueFactory = _ => 30 };
        var token = new Command("token", "Mint a development account credential (HMAC-signed by the vault; DIR may be a local cluster's) and print only the token") { dir, account, days };
        token.SetAction(parse =>
        {
            int lifetime = parse.GetValue(days);
            if (lifetime is < 1 or > 3650) throw new CliException(ExitCodes.Usage, "--days must be between 1 and 3650.");
            context.Out.WriteLine(VaultHost.MintToken(parse.GetRequiredValue(dir), parse.GetRequiredValue(account), TimeSpan.FromDays(lifetime)));
            return ExitCodes.Success;
        });
        return token;
    }

    /// <summary>
    /// The node processes of <c>vault cluster</c>: this same program run as <c>vault serve</c>, one per node, with
    /// their output in the node's <c>serve.log</c>. Disposing stops each by its own process id: SIGTERM, then a
    /// kill after 10 s.
    /// </summary>
    private sealed class VaultChildren : IAsyncDisposable
    {
        private readonly List<System.Diagnostics.Process> _processes = [];
        private readonly List<StreamWriter> _logs = [];

        public void Start(string nodeDirectory, int nodeId, string clusterConfig, string[] extra)
        {
            string program = Environment.ProcessPath ?? "dotnet";
            var start = new System.Diagnostics.ProcessStartInfo(program)
            {
                UseShellExecute = false,
                RedirectStandardOutput = true,
                RedirectStandardError = true,
                RedirectStandardInput = true,
            };
            if (Path.GetFileNameWithoutExtension(program) == "dotnet") start.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "lockbox.dll"));
            foreach (string a in (string[])["vault", "serve", "--dir", nodeDirectory, "--node-id", nodeId.ToString(System.Globalization.CultureInfo.InvariantCulture), "--cluster-config", clusterConfig,
                "--state-mark", LocalCluster.MarkPath(Path.GetDirectoryName(clusterConfig)!, nodeId), .. extra])
                start.ArgumentList.Add(a);
            // The log lives as long as the node: DisposeAsync closes it once the process has exited and its output
            // has been read to the end (closing it at Exited could lose the last lines, which arrive after).
            var log = new StreamWriter(Path.Combine(nodeDirectory, "serve.log"), append: true) { AutoFlush = true };
            _logs.Add(log);
            System.Diagnostics.Process process = System.Diagnostics.Process.Start(start)
                ?? throw new CliException(ExitCodes.Failure, $"Could not start vault node {nodeId}.");
            process.OutputDataReceived += (_, e) => { if (e.Data is not null) lock (log) log.WriteLine(e.Data); };
            process.ErrorDataReceived += (_, e) => { if (e.Data is not null) lock (log) log.WriteLine(e.Data); };
            process.BeginOutputReadLine();
            process.BeginErrorReadLine();
            _processes.Add(process);
        }

        public Task WaitAnyExitAsync(CancellationToken ct) => Task.WhenAny(_processes.Select(p => p.WaitForExitAsync(ct))).Unwrap();

        public async ValueTask DisposeAsync()
        {
            foreach (System.Diagnostics.Process p in _processes.Where(p => !p.HasExited))
                if (!OperatingSystem.IsWindows()) _ = Kill(p.Id, 15); // SIGTERM: a clean stop
            foreach (System.Diagnostics.Process p in _processes)
            {
                using var grace = new CancellationTokenSource(TimeSpan.FromSeconds(10));
                try
                {
                    await p.WaitForExitAsync(grace.Token).ConfigureAwait(false);
                }
                catch (OperationCanceledException)
                {
                    p.Kill();
                    await p.WaitForExitAsync(CancellationToken.None).ConfigureAwait(false);
                }
                p.Dispose();
            }
            foreach (StreamWriter log in _logs)
            {
                lock (log) log.Dispose();
            }
        }

        [System.Runtime.InteropServices.DllImport("libc", EntryPoint = "kill", SetLastError = true)]
        private static extern int Kill(int pid, int signal);
    }
}
