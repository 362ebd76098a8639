using Lockbox.Vault.Protocol;

namespace Lockbox.Vault.Tests.Cluster;

/// <summary>
/// The fleet map's account → slot → group function and its validation (docs/VAULT-API.md, "Fleet map"). The slot
/// vectors were computed independently (Python's hashlib) from the spec line, so a change to the function fails here.
/// </summary>
public sealed class FleetMapTests
{
    private static FleetMapModel TwoGroups(long version = 1) => new(version, FleetMap.SlotCount,
    [
        new FleetGroupModel(1, [[0, 511]], ["http://127.0.0.1:5001/", "http://127.0.0.1:5002"]),
        new FleetGroupModel(2, [[512, 1023]], ["http://127.0.0.1:6001/"]),
    ]);

    [Theory]
    [InlineData("alice@example.com", 518)]
    [InlineData("bob@example.com", 294)]
    [InlineData("", 718)]
    public void TheSlotIsSha256OfTheLabelledAccountIdModulo1024(string account, int slot) => Assert.Equal(slot, FleetMap.SlotOf(account));

    [Fact]
    public void AnAccountBelongsToTheGroupHoldingItsSlot()
    {
        Assert.True(FleetMap.TryFrom(TwoGroups(), out FleetMap? map, out string? error), error);
        Assert.Equal(2, map!.GroupOf("alice@example.com").Id); // slot 518
        Assert.Equal(1, map.GroupOf("bob@example.com").Id); // slot 294
        Assert.Equal(["http://127.0.0.1:5001/", "http://127.0.0.1:5002/"], map.Group(1).Nodes);
    }

    [Fact]
    public void TheDefaultMapIsVersionZeroWithOneGroupHoldingEverySlot()
    {
        FleetMap map = FleetMap.SingleGroup(["http://127.0.0.1:5001/"]);
        Assert.Equal(0, map.Version);
        Assert.Equal(1, map.GroupOf("alice@example.com").Id);
        Assert.True(FleetMap.TryFrom(map.ToModel(), out _, out string? error), error);
    }

    [Fact]
    public void AnEvenSplitCoversEverySlotOnce()
    {
        for (int groups = 1; groups <= 9; groups++)
        {
            var model = new FleetMapModel(1, FleetMap.SlotCount, [.. Enumerable.Range(0, groups).Select(i => new FleetGroupModel(i + 1,
                [.. FleetMap.EvenSplit(groups, i).Select(r => new[] { r.First, r.Last })], [$"http://127.0.0.1:{7000 + i}/"]))]);
            Assert.True(FleetMap.TryFrom(model, out _, out string? error), error);
        }
    }

    private static readonly (string Message, FleetMapModel? Model)[] InvalidMaps =
    [
        ("The fleet map is missing.", null),
        ("The fleet map's version must be 0 or more.", TwoGroups(-1)),
        ("The fleet map must have 1024 slots, not 512.", TwoGroups() with { Slots = 512 }),
        ("The fleet map must name 1 to 64 groups.", TwoGroups() with { Groups = [] }),
        ("Fleet group 1 is named twice.", TwoGroups() with { Groups = [TwoGroups().Groups![0], TwoGroups().Groups![0]! with { Nodes = ["http://127.0.0.1:9/"] }] }),
        ("Fleet slot 512 is assigned to no group.", TwoGroups() with { Groups = [TwoGroups().Groups![0]] }),
        ("Fleet slot 511 is assigned twice.", TwoGroups() with { Groups = [TwoGroups().Groups![0], TwoGroups().Groups![1]! with { Slots = [[511, 1023]] }] }),
        ("Fleet group 2: every slot range is [first, last] within 0..1023.", TwoGroups() with { Groups = [TwoGroups().Groups![0], TwoGroups().Groups![1]! with { Slots = [[512, 1024]] }] }),
        ("Fleet node http://127.0.0.1:5001/ is listed twice.", TwoGroups() with { Groups = [TwoGroups().Groups![0], TwoGroups().Groups![1]! with { Nodes = ["http://127.0.0.1:5001"] }] }),
        ("Fleet group 2: 'ftp://127.0.0.1/' is not an absolute http(s):// node URL.", TwoGroups() with { Groups = [TwoGroups().Groups![0], TwoGroups().Groups![1]! with { Nodes = ["ftp://127.0.0.1/"] }] }),
        ("Fleet group 2 must list 1 to 9 node URLs.", TwoGroups() with { Groups = [TwoGroups().Groups![0], TwoGroups().Groups![1]! with { Nodes = [] }] }),
    ];

    public static TheoryData<int> Invalid => new(Enumerable.Range(0, InvalidMaps.Length));

    [Theory]
    [MemberData(nameof(Invalid))]
    public void AnInvalidMapIsRefusedWithOneLine(int index)
    {
        (string message, FleetMapModel? model) = InvalidMaps[index];
        Assert.False(FleetMap.TryFrom(model, out FleetMap? map, out string? error));
        Assert.Null(map);
        Assert.Equal(message, error);
    }
}
