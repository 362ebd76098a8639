namespace Lockbox.Repository.Locking;

/// <summary>The lock as another process sees it: who holds it, and the newest sign of life (creation or refresh mark).</summary>
internal sealed record LockHolder(LockRecord Record, DateTimeOffset LastSeen)
{
    /// <summary>True when the holder runs on this host (same host name).</summary>
    public bool OnThisHost => string.Equals(Record.Host, Environment.MachineName, StringComparison.Ordinal);

    /// <summary>True when the holder is on this host and its process has ended (or its id now belongs to another process).</summary>
    public bool IsDeadOnThisHost => OnThisHost && !LocalProcess.IsRunning(Record.ProcessId, Record.ProcessStartUnixMs);

    /// <summary>No sign of life for <see cref="RepositoryLock.StaleAfter"/>: the holder refreshes every 5 minutes while it runs.</summary>
    public bool IsSilent(DateTimeOffset now) => now - LastSeen > RepositoryLock.StaleAfter;

    public DateTimeOffset Created => DateTimeOffset.FromUnixTimeMilliseconds(Record.CreatedUnixMs);
}
