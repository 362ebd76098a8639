using Lockbox.Vault.Core.Opaque;
using Microsoft.AspNetCore.Builder;

namespace Lockbox.Vault.Server.Hosting;

/// <summary>A vault node serving HTTP; dispose to stop it (the demo embeds one on a random loopback port).</summary>
public sealed class RunningVault : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly OpaqueServerAdapter _opaque;
    private readonly VaultMetrics _metrics;
    private bool _disposed;

    internal RunningVault(WebApplication app, Uri baseAddress, VaultNode node, MeasuredHsm hsm, OpaqueServerAdapter opaque, VaultMetrics metrics, string fleetPublicKey)
    {
        _app = app;
        BaseAddress = baseAddress;
        Node = node;
        Hsm = hsm;
        _opaque = opaque;
        _metrics = metrics;
        FleetPublicKey = fleetPublicKey;
    }

    /// <summary>The bound address, e.g. http://127.0.0.1:41234/ (the real port when started on port 0).</summary>
    public Uri BaseAddress { get; }

    /// <summary>The OPAQUE server public key (base64url) that clients pin.</summary>
    public string FleetPublicKey { get; }

    internal VaultNode Node { get; }

    internal MeasuredHsm Hsm { get; }

    public async ValueTask DisposeAsync()
    {
        if (_disposed) return;
        _disposed = true;
        await _app.StopAsync().ConfigureAwait(false);
        await _app.DisposeAsync().ConfigureAwait(false);
        Node.Dispose();
        _opaque.Dispose();
        Hsm.Dispose();
        _metrics.Dispose();
    }
}
