namespace Lockbox.Repository;

/// <summary>
/// Which snapshots an operation considers, as restic selects them (issue 13): a snapshot matches when its device is one
/// of <see cref="Hosts"/> (any when empty), its source path one of <see cref="Paths"/> (any when empty), and it carries
/// every tag of at least one of <see cref="Tags"/> (any when empty: <c>--tag a,b --tag c</c> is "a and b, or c").
/// </summary>
public sealed record SnapshotFilter
{
    /// <summary>Matches every snapshot.</summary>
    public static SnapshotFilter All { get; } = new();

    /// <summary>Device names (<c>--host</c>); exact match.</summary>
    public IReadOnlyList<string> Hosts { get; init; } = [];

    /// <summary>Source paths (<c>--path</c>): the database's full path, or an import's <c>whatsapp:FILE</c>; exact match.</summary>
    public IReadOnlyList<string> Paths { get; init; } = [];

    /// <summary>Tag sets (<c>--tag</c>): a snapshot matches when it carries all tags of one set.</summary>
    public IReadOnlyList<IReadOnlyList<string>> Tags { get; init; } = [];

    /// <summary>True when the filter selects every snapshot.</summary>
    public bool IsEmpty => Hosts.Count == 0 && Paths.Count == 0 && Tags.Count == 0;

    /// <summary>Whether <paramref name="snapshot"/> is selected.</summary>
    public bool Matches(SnapshotSummary snapshot)
    {
        ArgumentNullException.ThrowIfNull(snapshot);
        if (Hosts.Count > 0 && !Hosts.Contains(snapshot.Device, StringComparer.Ordinal)) return false;
        if (Paths.Count > 0 && !Paths.Contains(snapshot.SourcePath, StringComparer.Ordinal)) return false;
        return Tags.Count == 0 || Tags.Any(set => set.All(t => snapshot.Tags.Contains(t, StringComparer.Ordinal)));
    }
}
