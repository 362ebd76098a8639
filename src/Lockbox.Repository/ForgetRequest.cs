namespace Lockbox.Repository;

/// <summary>
/// What forget removes (issue 13): the snapshots named in <see cref="Snapshots"/> (ids, id prefixes, #numbers), and/or
/// among those <see cref="Filter"/> selects every snapshot <see cref="Policy"/> does not keep in its source group.
/// With <see cref="DryRun"/> nothing is changed: the result lists what would go.
/// </summary>
public sealed record ForgetRequest
{
    public IReadOnlyList<string> Snapshots { get; init; } = [];
    public ForgetPolicy Policy { get; init; } = new();
    public SnapshotFilter Filter { get; init; } = SnapshotFilter.All;
    public bool DryRun { get; init; }
    public bool Prune { get; init; }
}
