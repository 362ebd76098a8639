using System.Buffers.Binary;
using System.Security.Cryptography;
using System.Text;

namespace Lockbox.Vault.Protocol;

/// <summary>
/// The fleet map (docs/VAULT-API.md, "Fleet map"): which Raft group serves which accounts, and each group's node
/// URLs, under a version that only goes up. Accounts are placed by <see cref="SlotOf"/> — SHA-256 of the account id
/// into <see cref="SlotCount"/> fixed slots — and each slot belongs to exactly one group, so adding a group later
/// moves whole slots (and only their accounts) without rehashing anyone else. Read from untrusted bytes (the
/// operator's file, a hello answer): <see cref="TryFrom"/> validates everything. No I/O.
/// </summary>
internal sealed class FleetMap
{
    /// <summary>Fixed number of slots; never changes for a fleet (changing it would move almost every account).</summary>
    public const int SlotCount = 1024;

    /// <summary>Most groups a map may name (each needs at least one slot).</summary>
    public const int MaxGroups = 64;

    /// <summary>Most nodes one group may list.</summary>
    public const int MaxNodesPerGroup = 9;

    /// <summary>Domain separation of the slot hash.</summary>
    public static ReadOnlySpan<byte> SlotLabel => "lockbox/v1/account-slot"u8;

    private readonly int[] _groupOfSlot;

    private FleetMap(long version, IReadOnlyList<FleetGroup> groups, int[] groupOfSlot)
    {
        Version = version;
        Groups = groups;
        _groupOfSlot = groupOfSlot;
    }

    /// <summary>The map's version: a device never accepts a lower one than it has seen.</summary>
    public long Version { get; }

    /// <summary>The groups, in the map's order.</summary>
    public IReadOnlyList<FleetGroup> Groups { get; }

    /// <summary>
    /// The slot of <paramref name="accountId"/>: the first 4 bytes of SHA-256("lockbox/v1/account-slot" || UTF-8(id)),
    /// big-endian, modulo <see cref="SlotCount"/> (a power of two, so no bias).
    /// </summary>
    public static int SlotOf(string accountId)
    {
        ArgumentNullException.ThrowIfNull(accountId);
        byte[] id = Encoding.UTF8.GetBytes(accountId);
        byte[] input = new byte[SlotLabel.Length + id.Length];
        SlotLabel.CopyTo(input);
        id.CopyTo(input, SlotLabel.Length);
        Span<byte> hash = stackalloc byte[32];
        SHA256.HashData(input, hash);
        return (int)(BinaryPrimitives.ReadUInt32BigEndian(hash) % SlotCount);
    }

    /// <summary>The group that serves <paramref name="accountId"/>.</summary>
    public FleetGroup GroupOf(string accountId) => Group(_groupOfSlot[SlotOf(accountId)]);

    /// <summary>The group with id <paramref name="id"/>, or an argument error.</summary>
    public FleetGroup Group(int id) => Groups.FirstOrDefault(g => g.Id == id) ?? throw new ArgumentOutOfRangeException(nameof(id), $"The fleet map has no group {id}.");

    /// <summary>True when the map names a group with this id.</summary>
    public bool HasGroup(int id) => Groups.Any(g => g.Id == id);

    /// <summary>
    /// The map of a vault that configured none: version 0, one group (id 1) holding every slot and
    /// <paramref name="nodes"/>. Any configured map (version 1 or more) supersedes it.
    /// </summary>
    public static FleetMap SingleGroup(IEnumerable<string> nodes)
    {
        ArgumentNullException.ThrowIfNull(nodes);
        var group = new FleetGroup(1, [new SlotRange(0, SlotCount - 1)], [.. nodes]);
        int[] owner = new int[SlotCount];
        Array.Fill(owner, group.Id);
        return new FleetMap(0, [group], owner);
    }

    /// <summary>The wire and file form.</summary>
    public FleetMapModel ToModel() => new(Version, SlotCount,
        [.. Groups.Select(g => new FleetGroupModel(g.Id, [.. g.Slots.Select(r => new[] { r.First, r.Last })], [.. g.Nodes]))]);

    /// <summary>
    /// Validates <paramref name="model"/>: a version of 0 or more, <see cref="SlotCount"/> slots, 1 to
    /// <see cref="MaxGroups"/> groups with distinct ids from 1 to 999, each with 1 to <see cref="MaxNodesPerGroup"/>
    /// absolute http(s) node URLs (no query or fragment; none in two groups) and slot ranges that together cover
    /// every slot exactly once. On failure <paramref name="error"/> is one line.
    /// </summary>
    public static bool TryFrom(FleetMapModel? model, out FleetMap? map, out string? error)
    {
        map = null;
        error = Check(model, out int[]? owner, out List<FleetGroup>? groups);
        if (error is not null) return false;
        map = new FleetMap(model!.Version, groups!, owner!);
        return true;
    }

    private static string? Check(FleetMapModel? model, out int[]? owner, out List<FleetGroup>? groups)
    {
        owner = null;
        groups = null;
        if (model is null) return "The fleet map is missing.";
        if (model.Version < 0) return "The fleet map's version must be 0 or more.";
        if (model.Slots != SlotCount) return $"The fleet map must have {SlotCount} slots, not {model.Slots}.";
        if (model.Groups is not { Count: >= 1 and <= MaxGroups } list) return $"The fleet map must name 1 to {MaxGroups} groups.";
        var slots = new int[SlotCount];
        var seenNodes = new HashSet<string>(StringComparer.Ordinal);
        groups = [];
        foreach (FleetGroupModel? g in list)
        {
            if (g is null || g.Id is < 1 or > 999) return "Every fleet group needs an id from 1 to 999.";
            if (groups.Any(x => x.Id == g.Id)) return $"Fleet group {g.Id} is named twice.";
            if (g.Nodes is not { Count: >= 1 and <= MaxNodesPerGroup }) return $"Fleet group {g.Id} must list 1 to {MaxNodesPerGroup} node URLs.";
            var nodes = new List<string>();
            foreach (string? n in g.Nodes)
            {
                if (NormalizeNode(n) is not { } node) return $"Fleet group {g.Id}: '{n}' is not an absolute http(s):// node URL.";
                if (!seenNodes.Add(node)) return $"Fleet node {node} is listed twice.";
                nodes.Add(node);
            }
            if (g.Slots is not { Count: >= 1 }) return $"Fleet group {g.Id} must hold at least one slot range.";
            var ranges = new List<SlotRange>();
            foreach (int[]? r in g.Slots)
            {
                if (r is not { Length: 2 } || r[0] < 0 || r[1] >= SlotCount || r[0] > r[1])
                    return $"Fleet group {g.Id}: every slot range is [first, last] within 0..{SlotCount - 1}.";
                for (int s = r[0]; s <= r[1]; s++)
                {
                    if (slots[s] != 0) return $"Fleet slot {s} is assigned twice.";
                    slots[s] = g.Id;
                }
                ranges.Add(new SlotRange(r[0], r[1]));
            }
            groups.Add(new FleetGroup(g.Id, ranges, nodes));
        }
        int missing = Array.IndexOf(slots, 0);
        if (missing >= 0) return $"Fleet slot {missing} is assigned to no group.";
        owner = slots;
        return null;
    }

    /// <summary>A node URL in the one form maps compare: absolute http(s), lower-case scheme and host, a trailing slash.</summary>
    public static string? NormalizeNode(string? text)
    {
        if (!Uri.TryCreate(text, UriKind.Absolute, out Uri? url) || url.Scheme is not ("http" or "https")
            || url.Query.Length != 0 || url.Fragment.Length != 0 || url.UserInfo.Length != 0)
            return null;
        return url.AbsoluteUri.EndsWith('/') ? url.AbsoluteUri : url.AbsoluteUri + "/";
    }

    /// <summary>Splits <paramref name="groups"/> groups evenly over the slots (the layout a new fleet starts with).</summary>
    public static IReadOnlyList<SlotRange> EvenSplit(int groups, int index)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(groups, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(groups, MaxGroups);
        ArgumentOutOfRangeException.ThrowIfNegative(index);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(index, groups);
        int first = SlotCount * index / groups, last = SlotCount * (index + 1) / groups - 1;
        return [new SlotRange(first, last)];
    }
}
