using System.Globalization;

namespace Lockbox.Repository.Engine;

/// <summary>Applies a <see cref="ForgetPolicy"/> to one source group: restic's bucket rules, newest first. No I/O.</summary>
internal static class KeepPolicy
{
    /// <summary>The ids of <paramref name="group"/> (any order) that the policy keeps.</summary>
    public static HashSet<string> Keep(IEnumerable<SnapshotSummary> group, ForgetPolicy policy)
    {
        var rules = new (int Count, Func<SnapshotSummary, string> Bucket)[]
        {
            (policy.KeepLast, s => s.Id),
            (policy.KeepDaily, s => s.Time.UtcDateTime.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture)),
            (policy.KeepWeekly, s => $"{ISOWeek.GetYear(s.Time.UtcDateTime)}-W{ISOWeek.GetWeekOfYear(s.Time.UtcDateTime)}"),
            (policy.KeepMonthly, s => s.Time.UtcDateTime.ToString("yyyy-MM", CultureInfo.InvariantCulture)),
        };
        var left = rules.Select(r => r.Count).ToArray();
        var last = new string?[rules.Length];
        var kept = new HashSet<string>(StringComparer.Ordinal);
        foreach (SnapshotSummary s in group.OrderByDescending(s => s.Sequence))
        {
            for (int r = 0; r < rules.Length; r++)
            {
                if (left[r] <= 0) continue;
                string bucket = rules[r].Bucket(s);
                if (bucket == last[r]) continue;
                last[r] = bucket;
                left[r]--;
                kept.Add(s.Id);
            }
        }
        return kept;
    }
}
