namespace Lockbox.Storage.Tests.Faults;

/// <summary>What a <see cref="FaultInjectingBlobStore"/> does to the calls it passes on. Rates are per call, in [0, 1].</summary>
public sealed record FaultPlan
{
    /// <summary>The seed of the fault sequence: the same seed and call order give the same faults.</summary>
    public ulong Seed { get; init; } = 1;

    /// <summary>Calls that fail with a transient error (half of failed puts fail after writing: a lost answer).</summary>
    public double TransientRate { get; init; }

    /// <summary>The share of failed puts that fail after writing (the answer is lost, the object is there).</summary>
    public double LostAnswerShare { get; init; } = 0.5;

    /// <summary>Added to every call.</summary>
    public TimeSpan Latency { get; init; }

    /// <summary>Successful reads whose bytes come back with one bit flipped.</summary>
    public double CorruptReadRate { get; init; }

    /// <summary>Successful reads whose bytes come back cut short.</summary>
    public double TruncateReadRate { get; init; }
}
