using System.Net;
using Lockbox.Vault.Core;

namespace Lockbox.Vault.Cluster;

/// <summary>
/// One member of a vault's Raft group: its id (1..n), the TCP endpoint its Raft traffic uses and the public
/// HTTP(S) address devices reach it on. Written <c>ID=RAFT_HOST:PORT=URL</c>, e.g. <c>2=127.0.0.1:7102=http://127.0.0.1:8102/</c>.
/// </summary>
public sealed record ClusterMember(int Id, IPEndPoint RaftEndPoint, Uri PublicUrl)
{
    public override string ToString() => $"{Id}={RaftEndPoint}={PublicUrl}";

    /// <summary>Parses <c>ID=RAFT_HOST:PORT=URL</c>; a malformed one is a one-line <see cref="VaultConfigurationException"/>.</summary>
    public static ClusterMember Parse(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        string[] parts = text.Trim().Split('=', 3);
        if (parts.Length != 3 || !int.TryParse(parts[0], System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out int id) || id is < 1 or > 99)
            throw new VaultConfigurationException($"Cluster member '{text}' is not ID=RAFT_HOST:PORT=URL with an id from 1 to 99.");
        if (!IPEndPoint.TryParse(parts[1], out IPEndPoint? raft) || raft.Port == 0)
            throw new VaultConfigurationException($"Cluster member {id}: '{parts[1]}' is not an IP address and port for Raft traffic.");
        if (!Uri.TryCreate(parts[2], UriKind.Absolute, out Uri? url) || url.Scheme is not ("http" or "https") || url.Query.Length != 0 || url.Fragment.Length != 0)
            throw new VaultConfigurationException($"Cluster member {id}: '{parts[2]}' is not an http(s):// address devices can use.");
        return new ClusterMember(id, raft, url.AbsoluteUri.EndsWith('/') ? url : new Uri(url.AbsoluteUri + "/"));
    }

    /// <summary>Parses a comma-separated list; ids and endpoints must be distinct.</summary>
    public static IReadOnlyList<ClusterMember> ParseList(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        ClusterMember[] members = [.. text.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Select(Parse)];
        if (members.Length == 0) throw new VaultConfigurationException("The cluster lists no members.");
        if (members.Select(m => m.Id).Distinct().Count() != members.Length || members.Select(m => m.RaftEndPoint).Distinct().Count() != members.Length)
            throw new VaultConfigurationException("Cluster members must have distinct ids and Raft endpoints.");
        return members;
    }
}
