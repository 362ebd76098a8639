using Lockbox.Vault.Cluster;

namespace Lockbox.Vault.Server.Hosting;

/// <summary>One Raft group of a local fleet: its id in the fleet map, its directory and its members.</summary>
public sealed record LocalFleetGroup(int Id, string Directory, IReadOnlyList<ClusterMember> Members)
{
    /// <summary>The group's member list, as its nodes read it (<c>--cluster-config</c>).</summary>
    public string ConfigPath => Path.Combine(Directory, LocalCluster.ConfigName);
}
