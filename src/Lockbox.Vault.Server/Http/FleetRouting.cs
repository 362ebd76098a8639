using Lockbox.Vault.Core;
using Lockbox.Vault.Protocol;

namespace Lockbox.Vault.Server.Http;

/// <summary>
/// This node's place in the fleet (docs/VAULT-API.md, "Fleet map"): the map it serves in its signed hello and the
/// group it belongs to. A node given no map serves the default one-group map (version 0) of its own group's URLs,
/// so a one-group vault needs no map file. <see cref="Serves"/> decides, from the account id alone, whether a
/// request is this group's to answer.
/// </summary>
internal sealed class FleetRouting
{
    private readonly FleetMap? _configured;
    private readonly Func<IReadOnlyList<string>> _ownNodes;

    /// <param name="configured">The operator's map, or null for the default one-group map.</param>
    /// <param name="group">This node's group id (1 without a map).</param>
    /// <param name="ownNodes">This group's public URLs (read when the default map is first needed, after Kestrel bound).</param>
    public FleetRouting(FleetMap? configured, int group, Func<IReadOnlyList<string>> ownNodes)
    {
        if (configured is not null && !configured.HasGroup(group))
            throw new VaultConfigurationException($"The fleet map (version {configured.Version}) has no group {group}.");
        if (configured is null && group != 1) throw new VaultConfigurationException("A group other than 1 needs a fleet map (--fleet-map FILE).");
        _configured = configured;
        Group = group;
        _ownNodes = ownNodes;
    }

    /// <summary>This node's group id.</summary>
    public int Group { get; }

    /// <summary>The map this node serves.</summary>
    public FleetMap Map => _configured ?? FleetMap.SingleGroup(_ownNodes());

    /// <summary>True when this node's group serves <paramref name="accountId"/> (always, with the default map).</summary>
    public bool Serves(string accountId) => _configured is null || _configured.GroupOf(accountId).Id == Group;

    /// <summary>The group that serves <paramref name="accountId"/>.</summary>
    public int GroupOf(string accountId) => _configured is null ? Group : _configured.GroupOf(accountId).Id;

    /// <summary>
    /// Reads and validates an operator's map file (the JSON of <see cref="FleetMapModel"/>) and checks that
    /// <paramref name="ownUrls"/> — this node's public URLs — are listed in group <paramref name="given"/>
    /// (null: the map's only group; a map of several groups then needs it said).
    /// </summary>
    public static FleetMap Load(string path, int? given, IEnumerable<string> ownUrls)
    {
        FleetMapModel? model;
        try
        {
            model = System.Text.Json.JsonSerializer.Deserialize<FleetMapModel>(File.ReadAllBytes(path), VaultJson.Options);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or System.Text.Json.JsonException)
        {
            throw new VaultConfigurationException($"Cannot read the fleet map {path}: {e.Message.ReplaceLineEndings(" ")}");
        }
        if (!FleetMap.TryFrom(model, out FleetMap? map, out string? error)) throw new VaultConfigurationException($"Fleet map {path}: {error}");
        if (given is null && map!.Groups.Count > 1)
            throw new VaultConfigurationException($"Fleet map {path} names {map.Groups.Count} groups: say which this node belongs to (--group N).");
        int group = given ?? map!.Groups[0].Id;
        if (!map!.HasGroup(group)) throw new VaultConfigurationException($"Fleet map {path} (version {map.Version}) has no group {group}.");
        IReadOnlyList<string> listed = map.Group(group).Nodes;
        foreach (string url in ownUrls)
            if (FleetMap.NormalizeNode(url) is not { } own || !listed.Contains(own, StringComparer.Ordinal))
                throw new VaultConfigurationException($"Fleet map {path} does not list {url} in group {group}: every node's public URL must be in its own group.");
        return map;
    }
}
