using Lockbox.Vault.Cluster;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace Lockbox.Vault.Server.Health;

/// <summary>
/// Readiness of a replicated node: its role is known (leader or follower, not a candidate or a standby still
/// catching up) and its group has a leader. A single node has no such check: its log opened or it did not start.
/// </summary>
internal sealed class QuorumHealthCheck(Func<ClusterStatus> status) : IHealthCheck
{
    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        ClusterStatus s = status();
        var data = new Dictionary<string, object> { ["role"] = s.Role, ["term"] = s.Term, ["commitIndex"] = s.CommitIndex };
        HealthCheckResult result = s.Role == "leader" || (s.Role == "follower" && s.Leader is not null)
            ? HealthCheckResult.Healthy($"{s.Role}, a leader is elected", data)
            : HealthCheckResult.Unhealthy(s.Role == "standby" ? "standby: catching up after state loss" : "no leader: the group has no quorum", data: data);
        return Task.FromResult(result);
    }
}
