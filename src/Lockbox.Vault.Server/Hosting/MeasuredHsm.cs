using System.Diagnostics;
using Lockbox.Vault.Core.Hsm;

namespace Lockbox.Vault.Server.Hosting;

/// <summary>Wraps an HSM to time every call (metrics, and the benchmark's "share of time in the HSM").</summary>
internal sealed class MeasuredHsm(IHsm inner, VaultMetrics metrics) : IHsm
{
    private long _ticks;
    private long _calls;

    public string Kind => inner.Kind;

    /// <summary>Total time spent inside the HSM since start.</summary>
    public TimeSpan TotalTime => Stopwatch.GetElapsedTime(0, Interlocked.Read(ref _ticks));

    public long Calls => Interlocked.Read(ref _calls);

    public void DeriveOprfKeySeed(ReadOnlySpan<byte> credentialIdentifier, Span<byte> seed)
    {
        long start = Stopwatch.GetTimestamp();
        try { inner.DeriveOprfKeySeed(credentialIdentifier, seed); }
        finally { Record(start, "oprf_seed"); }
    }

    public byte[] Seal(ReadOnlySpan<byte> plaintext, ReadOnlySpan<byte> associatedData)
    {
        long start = Stopwatch.GetTimestamp();
        try { return inner.Seal(plaintext, associatedData); }
        finally { Record(start, "seal"); }
    }

    public byte[]? Open(ReadOnlySpan<byte> sealedData, ReadOnlySpan<byte> associatedData)
    {
        long start = Stopwatch.GetTimestamp();
        try { return inner.Open(sealedData, associatedData); }
        finally { Record(start, "open"); }
    }

    private void Record(long start, string operation)
    {
        long elapsed = Stopwatch.GetTimestamp() - start;
        Interlocked.Add(ref _ticks, elapsed);
        Interlocked.Increment(ref _calls);
        metrics.HsmSeconds.Record((double)elapsed / Stopwatch.Frequency, new KeyValuePair<string, object?>("operation", operation));
    }

    public void Dispose() => inner.Dispose();
}
