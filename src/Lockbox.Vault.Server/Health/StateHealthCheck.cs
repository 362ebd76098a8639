using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace Lockbox.Vault.Server.Health;

/// <summary>
/// Readiness: the state directory takes a new file (created, written, flushed, removed), and the node's log has
/// not failed (<paramref name="logFailed"/>: a single node that could not append stops taking commands).
/// </summary>
internal sealed class StateHealthCheck(string stateDirectory, Func<bool> logFailed) : IHealthCheck
{
    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        if (logFailed()) return Task.FromResult(HealthCheckResult.Unhealthy("state log: an append failed; restart the node"));
        string probe = Path.Combine(stateDirectory, ".health-" + Guid.NewGuid().ToString("N"));
        try
        {
            using (var file = new FileStream(probe, FileMode.CreateNew, FileAccess.Write, FileShare.None, 1, FileOptions.WriteThrough))
            {
                file.WriteByte(1);
                file.Flush(flushToDisk: true);
            }
            File.Delete(probe);
            return Task.FromResult(HealthCheckResult.Healthy("state directory writable"));
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return Task.FromResult(HealthCheckResult.Unhealthy("state directory is not writable"));
        }
    }
}
