namespace Lockbox.Vault.Cluster;

/// <summary>One member's view of its Raft group, as <c>GET /cluster</c> on the management address reports it.</summary>
public sealed record ClusterStatus(int NodeId, string Role, long Term, long CommitIndex, long AppliedIndex, string? Leader);
