using Lockbox.Vault.Core.Opaque;
using Microsoft.AspNetCore.Builder;

namespace Lockbox.Vault.Server.Hosting;

/// <summary>A vault node serving HTTP; dispose to stop it (the demo embeds one on a random loopback port).</summary>
public sealed class RunningVault : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly OpaqueServerAdapter _opaque;
    private readonly VaultMetrics _metrics;
    private readonly Http.FleetSigningKey _signing;
    private readonly ManagementServer? _management;
    private readonly VaultDirectoryLock _lock;
    private readonly ReloadingCertificate? _certificate;
    private readonly Audit.VaultAudit _audit;
    private bool _disposed;

    private readonly Lockbox.Vault.Cluster.ClusterVaultNode? _member;
    private readonly Microsoft.Extensions.Logging.ILoggerFactory? _raftLogging;

    internal RunningVault(WebApplication app, Uri baseAddress, VaultNode? node, Lockbox.Vault.Cluster.ClusterVaultNode? member,
        Microsoft.Extensions.Logging.ILoggerFactory? raftLogging, MeasuredHsm hsm, OpaqueServerAdapter opaque, VaultMetrics metrics,
        Http.FleetSigningKey signing, ManagementServer? management, VaultDirectoryLock directoryLock, ReloadingCertificate? certificate, Audit.VaultAudit audit)
    {
        _audit = audit;
        _management = management;
        _lock = directoryLock;
        _certificate = certificate;
        MetricsAddress = management?.Address;
        _app = app;
        BaseAddress = baseAddress;
        _node = node;
        _member = member;
        _raftLogging = raftLogging;
        Hsm = hsm;
        _opaque = opaque;
        _metrics = metrics;
        _signing = signing;
        FleetPublicKey = signing.Text;
    }

    /// <summary>The bound address, e.g. http://127.0.0.1:41234/ (the real port when started on port 0).</summary>
    public Uri BaseAddress { get; }

    /// <summary>The fleet signing key (<c>lbfk1.</c>…) that clients pin.</summary>
    public string FleetPublicKey { get; }

    /// <summary>Where <c>GET /metrics</c> is served (the management address), or null when metrics are not served.</summary>
    public Uri? MetricsAddress { get; }

    /// <summary>The public server's services (tests inspect its endpoints).</summary>
    internal IServiceProvider Services => _app.Services;

    private readonly VaultNode? _node;

    /// <summary>The single-node writer (tests); a replicated node has none.</summary>
    internal VaultNode Node => _node ?? throw new InvalidOperationException("A replicated vault node has no single-node writer.");

    /// <summary>A replicated node that found its state behind its sealed mark at start, and rejoined as a standby.</summary>
    public bool RejoinedAfterStateLoss => _member?.LostState == true;

    /// <summary>A replicated node's Raft role now ("leader", "follower", "candidate", "standby"); null for a single node.</summary>
    public string? ClusterRole => _member?.Status().Role;

    /// <summary>The Raft member of a replicated node; null for a single node.</summary>
    internal Lockbox.Vault.Cluster.ClusterVaultNode? Member => _member;

    internal MeasuredHsm Hsm { get; }

    public async ValueTask DisposeAsync()
    {
        if (_disposed) return;
        _disposed = true;
        if (_management is not null) await _management.DisposeAsync().ConfigureAwait(false);
        await _app.StopAsync().ConfigureAwait(false);
        await _app.DisposeAsync().ConfigureAwait(false);
        _audit.Dispose();
        _node?.Dispose();
        if (_member is not null) await _member.DisposeAsync().ConfigureAwait(false);
        _raftLogging?.Dispose();
        _opaque.Dispose();
        _signing.Dispose();
        Hsm.Dispose();
        _metrics.Dispose();
        _certificate?.Dispose();
        _lock.Dispose(); // last: the directory is free only once this node has stopped writing to it
    }
}
