namespace Lockbox.Vault.Cluster;

/// <summary>How one member joins its vault's Raft group.</summary>
public sealed record ClusterOptions
{
    /// <summary>Every member of the group, this one included (static membership).</summary>
    public required IReadOnlyList<ClusterMember> Members { get; init; }

    /// <summary>This member's id among <see cref="Members"/>.</summary>
    public required int NodeId { get; init; }

    /// <summary>Where this member keeps its sealed write-ahead log and snapshots.</summary>
    public required string StateDirectory { get; init; }

    /// <summary>How long a request waits for a majority before it is answered "no quorum".</summary>
    public TimeSpan CommitTimeout { get; init; } = TimeSpan.FromSeconds(3);

    /// <summary>Lower bound of the election timeout (the upper is twice it); heartbeats go at half of it.</summary>
    public int LowerElectionTimeoutMs { get; init; } = 300;

    /// <summary>Committed entries between sealed snapshots.</summary>
    public int CompactEvery { get; init; } = 4096;

    /// <summary>Join as a standby that replicates but is never elected.</summary>
    public bool Standby { get; init; }

    /// <summary>
    /// Where this member keeps its sealed high-water mark (<see cref="StateMark"/>): outside its vault directory,
    /// on storage a restore of that directory does not touch. Null: no rollback detection (docs/SECURITY.md).
    /// </summary>
    public string? MarkPath { get; init; }

    public ClusterMember Self => Members.FirstOrDefault(m => m.Id == NodeId)
        ?? throw new Lockbox.Vault.Core.VaultConfigurationException($"Node id {NodeId} is not among the cluster's members ({string.Join(", ", Members.Select(m => m.Id))}).");
}
