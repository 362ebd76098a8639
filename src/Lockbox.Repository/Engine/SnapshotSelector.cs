using System.Globalization;

namespace Lockbox.Repository.Engine;

/// <summary>
/// Chooses snapshots the way a user names them (issue 13): "latest" (of the selection), "#N" (the sequence number
/// <c>snapshots</c> prints), or a unique prefix of the id. Unknown or ambiguous names are
/// <see cref="SnapshotNotFoundException"/>, a usage error, never repository damage.
/// </summary>
internal static class SnapshotSelector
{
    public const string Latest = "latest";

    /// <summary>One snapshot of <paramref name="chain"/> (oldest first) named by <paramref name="spec"/> among those <paramref name="filter"/> selects.</summary>
    public static SnapshotSummary Resolve(IReadOnlyList<SnapshotSummary> chain, string spec, SnapshotFilter filter)
    {
        string name = spec.Trim();
        if (name.Length == 0) throw new SnapshotNotFoundException(spec, "give an id, an id prefix, #number or 'latest'");
        if (string.Equals(name, Latest, StringComparison.OrdinalIgnoreCase))
        {
            var selected = chain.Where(filter.Matches).ToList();
            if (selected.Count == 0)
                throw new SnapshotNotFoundException(spec, chain.Count == 0 ? "the repository has no snapshots yet" : "no snapshot matches the selection (--host, --path, --tag)");
            return selected[^1];
        }
        if (name[0] == '#')
        {
            if (!long.TryParse(name.AsSpan(1), NumberStyles.None, CultureInfo.InvariantCulture, out long sequence))
                throw new SnapshotNotFoundException(spec, "a snapshot number is '#' followed by digits, as 'lockbox snapshots' prints it");
            return chain.FirstOrDefault(s => s.Sequence == sequence && filter.Matches(s))
                ?? throw new SnapshotNotFoundException(spec, chain.Any(s => s.Sequence == sequence) ? "it does not match the selection (--host, --path, --tag)" : "no snapshot has this number (forgotten, or not yet made)");
        }
        string prefix = name.ToLowerInvariant();
        if (!prefix.All(char.IsAsciiHexDigitLower) && !prefix.All(char.IsAsciiDigit))
            throw new SnapshotNotFoundException(spec, "a snapshot id is hexadecimal (or use #number or 'latest')");
        var matches = chain.Where(s => s.Id.StartsWith(prefix, StringComparison.Ordinal) && filter.Matches(s)).ToList();
        return matches.Count switch
        {
            1 => matches[0],
            0 => throw new SnapshotNotFoundException(spec, "no snapshot has this id"),
            _ => throw new SnapshotNotFoundException(spec,
                $"{matches.Count} snapshots start with it ({string.Join(", ", matches.Take(10).Select(m => $"{m.Id[..Math.Min(12, m.Id.Length)]} #{m.Sequence}"))}); give more digits"),
        };
    }

    /// <summary>
    /// The snapshot a restore takes: as <see cref="Resolve"/>; but for "latest" with no selection on a repository holding
    /// several sources, the latest of <paramref name="thisDevice"/>'s snapshots when it made any (never silently another
    /// chat), else the latest of all. <paramref name="note"/> then says which source was taken and how to choose another.
    /// </summary>
    public static SnapshotSummary ResolveForRestore(IReadOnlyList<SnapshotSummary> chain, string spec, SnapshotFilter filter, string? thisDevice, out string? note)
    {
        note = null;
        if (!string.Equals(spec.Trim(), Latest, StringComparison.OrdinalIgnoreCase) || !filter.IsEmpty)
            return Resolve(chain, spec, filter);
        var groups = chain.Select(s => (s.Device, s.SourcePath)).Distinct().Count();
        if (groups <= 1) return Resolve(chain, spec, filter);
        SnapshotSummary chosen = (thisDevice is null ? null : chain.LastOrDefault(s => s.Device == thisDevice))
            ?? Resolve(chain, spec, filter);
        string why = chosen.Device == thisDevice ? "this device's" : "the newest";
        note = $"the repository holds {groups} sources; restored {why}: {chosen.Device} {chosen.SourcePath} (choose another with --host, --path or --tag)";
        return chosen;
    }
}
