using System.Security.Cryptography;
using Lockbox.Vault.Core.Hsm;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace Lockbox.Vault.Server.Health;

/// <summary>
/// Readiness: the HSM answers a real seal/open round trip of fresh random bytes (the same key that seals the log
/// and the wrapped keys). The answer is cached for <see cref="CacheFor"/> so probes cannot load the HSM; it
/// names no key and carries no exception text.
/// </summary>
internal sealed class HsmHealthCheck(IHsm hsm, TimeProvider time) : IHealthCheck
{
    public static readonly TimeSpan CacheFor = TimeSpan.FromSeconds(5);

    private static readonly byte[] AssociatedData = "lockbox-vault-health-probe"u8.ToArray();
    private readonly Lock _gate = new();
    private HealthCheckResult? _last;
    private DateTimeOffset _at;

    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        lock (_gate)
        {
            DateTimeOffset now = time.GetUtcNow();
            if (_last is { } cached && now >= _at && now - _at < CacheFor) return Task.FromResult(cached);
            _last = Probe();
            _at = now;
            return Task.FromResult(_last.Value);
        }
    }

    private HealthCheckResult Probe()
    {
        byte[] probe = RandomNumberGenerator.GetBytes(32);
        byte[]? opened = null;
        try
        {
            byte[] sealedProbe = hsm.Seal(probe, AssociatedData);
            opened = hsm.Open(sealedProbe, AssociatedData);
            return opened is not null && CryptographicOperations.FixedTimeEquals(opened, probe)
                ? HealthCheckResult.Healthy($"{hsm.Kind} HSM: seal/open round trip ok")
                : HealthCheckResult.Unhealthy($"{hsm.Kind} HSM: a sealed probe did not open to the same bytes");
        }
#pragma warning disable CA1031 // any failure of the HSM is the answer, not a crash of the probe
        catch (Exception)
#pragma warning restore CA1031
        {
            return HealthCheckResult.Unhealthy($"{hsm.Kind} HSM: does not answer a seal/open round trip");
        }
        finally
        {
            CryptographicOperations.ZeroMemory(probe);
            if (opened is not null) CryptographicOperations.ZeroMemory(opened);
        }
    }
}
