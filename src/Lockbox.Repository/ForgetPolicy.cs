namespace Lockbox.Repository;

/// <summary>
/// Which snapshots forget keeps, applied to each source group (device + source path) on its own, as restic's policy
/// (issue 13): the newest <see cref="KeepLast"/>, and the newest snapshot of each of the last <see cref="KeepDaily"/>
/// days, <see cref="KeepWeekly"/> ISO weeks and <see cref="KeepMonthly"/> months that have one (UTC). A snapshot any
/// rule keeps is kept. Zero turns a rule off.
/// </summary>
public sealed record ForgetPolicy
{
    public int KeepLast { get; init; }
    public int KeepDaily { get; init; }
    public int KeepWeekly { get; init; }
    public int KeepMonthly { get; init; }

    /// <summary>True when no rule is set (such a policy keeps nothing, so forget refuses it).</summary>
    public bool IsEmpty => KeepLast <= 0 && KeepDaily <= 0 && KeepWeekly <= 0 && KeepMonthly <= 0;
}
