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
    private bool _disposed;

    internal RunningVault(WebApplication app, Uri baseAddress, VaultNode node, MeasuredHsm hsm, OpaqueServerAdapter opaque, VaultMetrics metrics, Http.FleetSigningKey signing)
    {
        _app = app;
        BaseAddress = baseAddress;
        Node = node;
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
        _signing.Dispose();
        Hsm.Dispose();
        _metrics.Dispose();
    }
}
