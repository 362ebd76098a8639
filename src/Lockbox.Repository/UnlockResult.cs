namespace Lockbox.Repository;

/// <summary>What <see cref="BackupRepository.UnlockAsync"/> did with the repository lock.</summary>
/// <param name="Removed">The lock removed ("backup on HOST (process PID)"), or null when none was.</param>
/// <param name="Kept">The lock left in place because its holder may still be running, or null.</param>
/// <param name="RemovedPossiblyRunning">The removed lock's holder was not known to be gone (only with remove-all).</param>
public sealed record UnlockResult(string? Removed, string? Kept, bool RemovedPossiblyRunning);
