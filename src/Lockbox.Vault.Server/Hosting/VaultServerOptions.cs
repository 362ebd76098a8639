using Lockbox.Vault.Server.Auth;
using Microsoft.Extensions.Logging;

namespace Lockbox.Vault.Server.Hosting;

/// <summary>How to run a vault node (<c>lockbox vault serve</c>). Everything has a working default.</summary>
public sealed record VaultServerOptions
{
    /// <summary>The PKCS#11 user PIN; defaults to the LOCKBOX_HSM_PIN environment variable.</summary>
    public string? Pin { get; init; }

    /// <summary>Replaces the default HMAC token check with the app's own account credential check.</summary>
    public IAccountCredentialValidator? CredentialValidator { get; init; }

    /// <summary>Requests per minute one account may make (all endpoints).</summary>
    public int AccountRequestsPerMinute { get; init; } = 60;

    /// <summary>Requests per minute one client address may make.</summary>
    public int AddressRequestsPerMinute { get; init; } = 1200;

    /// <summary>How long a KE2 waits for its KE3.</summary>
    public TimeSpan LoginTimeout { get; init; } = TimeSpan.FromMinutes(1);

    /// <summary>Clock (tests pass a fake one); the state machine sees only the times written into its commands.</summary>
    public TimeProvider Time { get; init; } = TimeProvider.System;

    /// <summary>Logging setup; the default writes JSON lines to the console at Information.</summary>
    public Action<ILoggingBuilder>? ConfigureLogging { get; init; }

    /// <summary>
    /// The vault's public URLs, as devices reach it; the signed hello lists them and a device refuses a vault
    /// whose hello does not list the URL it used (docs/VAULT-API.md, "hello"). Empty: the addresses Kestrel bound.
    /// </summary>
    public IReadOnlyList<Uri> PublicUrls { get; init; } = [];

    /// <summary>Log entries between snapshots.</summary>
    public int CompactEvery { get; init; } = 4096;

    /// <summary>PEM certificate (chain) served on <c>https://</c> addresses; needs <see cref="TlsKeyPath"/>.</summary>
    public string? TlsCertificatePath { get; init; }

    /// <summary>PEM private key (PKCS#8, or RSA/EC) of <see cref="TlsCertificatePath"/>; keep it 0600.</summary>
    public string? TlsKeyPath { get; init; }

    /// <summary>
    /// The management address(es) where <c>GET /metrics</c> is served, e.g. http://127.0.0.1:9464; null (the
    /// default) serves no metrics at all. Never served on the public address.
    /// </summary>
    public string? MetricsUrls { get; init; }

    /// <summary>
    /// Reverse proxies (IP addresses) whose <c>X-Forwarded-For</c> is believed, so rate limits key on the
    /// real client address. Empty with <see cref="KnownNetworks"/> empty (the default): forwarded headers are ignored.
    /// </summary>
    public IReadOnlyList<string> KnownProxies { get; init; } = [];

    /// <summary>Networks (CIDR, e.g. 10.0.0.0/8) of trusted reverse proxies; see <see cref="KnownProxies"/>.</summary>
    public IReadOnlyList<string> KnownNetworks { get; init; } = [];

    /// <summary>
    /// Membership in a replicated vault (issue 10): the node id, its peers and where its sealed Raft log lives.
    /// Null (the default): a single node, the sole writer of its directory's command log.
    /// </summary>
    public Lockbox.Vault.Cluster.ClusterOptions? Cluster { get; init; }

    /// <summary>
    /// The fleet map file (docs/VAULT-API.md, "Fleet map"): the JSON map of every group, served in the signed hello.
    /// Null (the default): a one-group fleet, map version 0, listing this vault's own URLs.
    /// </summary>
    public string? FleetMapPath { get; init; }

    /// <summary>This node's group in <see cref="FleetMapPath"/>'s map; null: 1 (or the map's only group).</summary>
    public int? Group { get; init; }

    /// <summary>
    /// A file the audit trail is also appended to (one JSON object per line, created 0600); null (the default): the
    /// trail goes only to the logging category <c>Lockbox.Vault.Audit</c>.
    /// </summary>
    public string? AuditLogPath { get; init; }

    /// <summary>
    /// The node's standard .NET configuration (<see cref="VaultServeConfiguration"/>): its <c>Kestrel</c> section
    /// (endpoints and certificates; when it names endpoints they replace the urls) and its <c>Logging</c> section
    /// (log levels, applied over <see cref="ConfigureLogging"/>). Null: neither.
    /// </summary>
    public Microsoft.Extensions.Configuration.IConfiguration? Configuration { get; init; }

    /// <summary>The OpenTelemetry service name (resource <c>service.name</c>, shown by /metrics' target_info) and the name in the start line.</summary>
    public string ServiceName { get; init; } = "lockbox-vault";

    /// <summary>Wraps the opened HSM (tests inject faults around the real one to see readiness fail).</summary>
    internal Func<Lockbox.Vault.Core.Hsm.IHsm, Lockbox.Vault.Core.Hsm.IHsm>? HsmDecorator { get; init; }

    public override string ToString() => "VaultServerOptions(pin ***)";
}
