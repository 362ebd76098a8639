namespace Lockbox.Vault.Cluster;

/// <summary>
/// The request ids applied in the last <see cref="Span"/> of command time, kept in the replicated state (and its
/// snapshot) so every member makes the same decision: an entry whose id was applied already, or whose time is
/// older than the window, is a no-op. A sealed entry captured from the Raft stream or a disk therefore cannot be
/// appended again to spend guesses or to bring back an enrolment that was deleted. Deterministic, no I/O.
/// </summary>
internal sealed class ReplayWindow
{
    public static readonly TimeSpan Span = TimeSpan.FromMinutes(10);

    private readonly Dictionary<string, long> _seen = new(StringComparer.Ordinal);
    private readonly Queue<(long TimeMs, string Id)> _order = new();

    /// <summary>The newest command time applied (the leader never issues an older one).</summary>
    public long NewestMs { get; private set; }

    /// <summary>Records the entry and returns true when it is fresh; false for a replay or a stale entry.</summary>
    public bool Admit(ReadOnlySpan<byte> requestId, long timeMs)
    {
        string id = Convert.ToHexStringLower(requestId);
        if (_seen.ContainsKey(id) || timeMs < NewestMs - (long)Span.TotalMilliseconds) return false;
        NewestMs = Math.Max(NewestMs, timeMs);
        _seen.Add(id, timeMs);
        _order.Enqueue((timeMs, id));
        while (_order.TryPeek(out (long TimeMs, string Id) oldest) && oldest.TimeMs < NewestMs - (long)Span.TotalMilliseconds)
        {
            _order.Dequeue();
            _seen.Remove(oldest.Id);
        }
        return true;
    }

    public IEnumerable<(long TimeMs, string Id)> Entries => _order;

    public void Restore(long newestMs, IEnumerable<(long TimeMs, string Id)> entries)
    {
        NewestMs = newestMs;
        foreach ((long time, string id) in entries)
        {
            _seen[id] = time;
            _order.Enqueue((time, id));
        }
    }
}
