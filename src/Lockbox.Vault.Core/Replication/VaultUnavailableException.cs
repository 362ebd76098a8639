namespace Lockbox.Vault.Core.Replication;

/// <summary>
/// A replicated node cannot serve this request now: it is not the leader (<see cref="LeaderUrl"/> names the
/// leader's public address when one is known) or no majority answers. The request had no effect that a
/// device was told of; for a command whose commit is unknown, a later read shows whether it took effect.
/// </summary>
public sealed class VaultUnavailableException(bool noQuorum, Uri? leaderUrl, string message) : Exception(message)
{
    /// <summary>True: no majority (or no leader) could be reached; false: another node leads.</summary>
    public bool NoQuorum { get; } = noQuorum;

    /// <summary>The leader's public URL, when known and this node is not it.</summary>
    public Uri? LeaderUrl { get; } = leaderUrl;
}
