using Lockbox.Vault.Core;
using Lockbox.Vault.Protocol;
using Lockbox.Vault.Server.Http;
using Lockbox.Vault.Tests.Support;

namespace Lockbox.Vault.Tests.Cluster;

/// <summary>How a node reads its fleet map file (<c>vault serve --fleet-map FILE --group G</c>): every mistake an operator can make is one line, at start.</summary>
public sealed class FleetRoutingTests : IDisposable
{
    private readonly TempDir _dir = new();

    private string MapFile(string json)
    {
        string path = Path.Combine(_dir.Path, "fleet.json");
        File.WriteAllText(path, json);
        return path;
    }

    private const string TwoGroups = """
        {"version": 3, "slots": 1024, "groups": [
          {"id": 1, "slots": [[0, 511]], "nodes": ["http://127.0.0.1:5001/", "http://127.0.0.1:5002/"]},
          {"id": 2, "slots": [[512, 1023]], "nodes": ["http://127.0.0.1:6001/"]}]}
        """;

    [Fact]
    public void ANodeServesOnlyTheAccountsOfItsGroup()
    {
        FleetMap map = FleetRouting.Load(MapFile(TwoGroups), 2, ["http://127.0.0.1:6001"]);
        var routing = new FleetRouting(map, 2, () => []);
        Assert.Equal(3, routing.Map.Version);
        Assert.True(routing.Serves("alice@example.com")); // slot 518
        Assert.False(routing.Serves("bob@example.com")); // slot 294
        Assert.Equal(1, routing.GroupOf("bob@example.com"));
    }

    [Fact]
    public void WithoutAMapEveryAccountIsServedUnderTheDefaultMap()
    {
        var routing = new FleetRouting(null, 1, () => ["http://127.0.0.1:5001/"]);
        Assert.True(routing.Serves("bob@example.com"));
        Assert.Equal(0, routing.Map.Version);
        Assert.Equal(["http://127.0.0.1:5001/"], routing.Map.Group(1).Nodes);
    }

    [Fact]
    public void ANodeWhosePublicUrlIsNotInItsGroupRefusesToStart()
    {
        string path = MapFile(TwoGroups);
        var e = Assert.Throws<VaultConfigurationException>(() => FleetRouting.Load(path, 1, ["http://127.0.0.1:6001/"]));
        Assert.Equal($"Fleet map {path} does not list http://127.0.0.1:6001/ in group 1: every node's public URL must be in its own group.", e.Message);
    }

    [Fact]
    public void AMapOfSeveralGroupsNeedsTheNodesGroup()
    {
        string path = MapFile(TwoGroups);
        Assert.Equal($"Fleet map {path} names 2 groups: say which this node belongs to (--group N).",
            Assert.Throws<VaultConfigurationException>(() => FleetRouting.Load(path, null, [])).Message);
        Assert.Equal($"Fleet map {path} (version 3) has no group 7.",
            Assert.Throws<VaultConfigurationException>(() => FleetRouting.Load(path, 7, [])).Message);
    }

    [Fact]
    public void AnInvalidOrUnreadableMapIsOneLine()
    {
        string path = MapFile(TwoGroups.Replace("[512, 1023]", "[600, 1023]", StringComparison.Ordinal));
        Assert.Equal($"Fleet map {path}: Fleet slot 512 is assigned to no group.",
            Assert.Throws<VaultConfigurationException>(() => FleetRouting.Load(path, 1, [])).Message);
        string garbage = MapFile("{not json");
        string message = Assert.Throws<VaultConfigurationException>(() => FleetRouting.Load(garbage, 1, [])).Message;
        Assert.StartsWith($"Cannot read the fleet map {garbage}: ", message, StringComparison.Ordinal);
        Assert.DoesNotContain("\n", message, StringComparison.Ordinal);
    }

    public void Dispose() => _dir.Dispose();
}
