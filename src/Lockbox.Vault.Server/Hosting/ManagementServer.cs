using Lockbox.Vault.Core;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Diagnostics.HealthChecks;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Lockbox.Vault.Server.Health;
using OpenTelemetry.Metrics;

namespace Lockbox.Vault.Server.Hosting;

/// <summary>
/// The management listener (<c>--metrics-urls</c>): a second Kestrel that serves only <c>GET /metrics</c>, <c>GET /health/live</c>, <c>GET /health/ready</c> (and, on a replicated node, <c>GET /cluster</c>)
/// (Prometheus text, from the public server's meter provider). Operators bind it to a loopback or private
/// address; the public address never serves metrics.
/// </summary>
internal sealed class ManagementServer : IAsyncDisposable
{
    private const string ReadyTag = "ready";

    private readonly WebApplication _app;

    private ManagementServer(WebApplication app, Uri address)
    {
        _app = app;
        Address = address;
    }

    /// <summary>The bound management address (the real port when started on port 0).</summary>
    public Uri Address { get; }

    public static async Task<ManagementServer> StartAsync(string urls, MeterProvider meters, VaultServerOptions options,
        IReadOnlyDictionary<string, IHealthCheck> readiness, Func<object>? clusterStatus = null)
    {
        if (urls.Contains("https://", StringComparison.OrdinalIgnoreCase))
            throw new VaultConfigurationException("--metrics-urls serves plain http:// on a management address; put it on loopback or a private network.");
        WebApplicationBuilder builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions { Args = [] });
        builder.WebHost.UseUrls(urls);
        builder.WebHost.ConfigureKestrel(k =>
        {
            k.AddServerHeader = false;
            k.Limits.MaxRequestBodySize = 0;
        });
        VaultHost.ConfigureLogging(builder.Logging, options);
        IHealthChecksBuilder checks = builder.Services.AddHealthChecks();
        foreach ((string name, IHealthCheck check) in readiness) checks.AddCheck(name, check, HealthStatus.Unhealthy, [ReadyTag]);
        WebApplication app = builder.Build();
        // Liveness: the process answers (no check runs). Readiness: the HSM, the state directory and, replicated, the quorum.
        app.MapHealthChecks("/health/live", new HealthCheckOptions { Predicate = _ => false, ResponseWriter = HealthReportWriter.WriteAsync });
        app.MapHealthChecks("/health/ready", new HealthCheckOptions { Predicate = c => c.Tags.Contains(ReadyTag), ResponseWriter = HealthReportWriter.WriteAsync });
        app.MapPrometheusScrapingEndpoint("/metrics", meters, null, null);
        // Role, term and commit index of a replicated node: for operators, on this private address only (devices
        // never act on it, and it tells an outsider which node to attack).
        if (clusterStatus is not null) app.MapGet("/cluster", () => Results.Json(clusterStatus()));
        try
        {
            await app.StartAsync().ConfigureAwait(false);
        }
        catch
        {
            await app.DisposeAsync().ConfigureAwait(false);
            throw;
        }
        string address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        return new ManagementServer(app, new Uri(address.TrimEnd('/') + "/"));
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync().ConfigureAwait(false);
        await _app.DisposeAsync().ConfigureAwait(false);
    }
}
