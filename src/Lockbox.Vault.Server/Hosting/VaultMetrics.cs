using System.Diagnostics.Metrics;

namespace Lockbox.Vault.Server.Hosting;

/// <summary>The vault's OpenTelemetry instruments (meter "Lockbox.Vault"); they carry outcomes, never account ids or secrets.</summary>
internal sealed class VaultMetrics : IDisposable
{
    public const string MeterName = "Lockbox.Vault";

    private readonly Meter _meter = new(MeterName);

    public VaultMetrics()
    {
        Commands = _meter.CreateCounter<long>("lockbox_vault_commands", description: "Commands applied, by kind and outcome.");
        KeysErased = _meter.CreateCounter<long>("lockbox_vault_keys_erased", description: "Wrapped keys erased at the guess limit or on delete.");
        Rejected = _meter.CreateCounter<long>("lockbox_vault_requests_rejected", description: "Requests refused before reaching the state machine, by reason.");
        var seconds = new InstrumentAdvice<double> { HistogramBucketBoundaries = [0.00005, 0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 1] };
        HsmSeconds = _meter.CreateHistogram("lockbox_vault_hsm_seconds", unit: "s", description: "Time per HSM operation.", tags: null, advice: seconds);
        ApplySeconds = _meter.CreateHistogram("lockbox_vault_apply_seconds", unit: "s", description: "Time to log (fsync) and apply one command.", tags: null, advice: seconds);
    }

    public Counter<long> Commands { get; }
    public Counter<long> KeysErased { get; }
    public Counter<long> Rejected { get; }
    public Histogram<double> HsmSeconds { get; }
    public Histogram<double> ApplySeconds { get; }

    public void Dispose() => _meter.Dispose();
}
