using Lockbox.Cryptography;
using Lockbox.Repository.Storage;

namespace Lockbox.Repository;

/// <summary>
/// An encrypted, deduplicating chat-backup repository in an <see cref="IBlobStore"/> (docs/FORMAT.md).
/// </summary>
public sealed class BackupRepository : IAsyncDisposable
{
    private BackupRepository() { }

    /// <summary>The highest snapshot sequence this device has seen; set it from device state to detect a store that rolls back.</summary>
    public long KnownSequence { get; set; }

    public static Task<BackupRepository> InitAsync(IBlobStore store, BackupKey key, RepositoryHints? hints = null, CancellationToken ct = default)
        => throw new NotSupportedException("engine under construction");

    public static Task<BackupRepository> OpenAsync(IBlobStore store, BackupKey key, CancellationToken ct = default)
        => throw new NotSupportedException("engine under construction");

    public static Task<RepositoryHints?> ReadHintsAsync(IBlobStore store, CancellationToken ct = default)
        => throw new NotSupportedException("engine under construction");

    public static Task<bool> BreakLockAsync(IBlobStore store, BackupKey key, CancellationToken ct = default)
        => throw new NotSupportedException("engine under construction");

    public Task<SnapshotSummary> BackupAsync(BackupSource source, IProgress<BackupProgress>? progress = null, CancellationToken ct = default)
        => throw new NotSupportedException("engine under construction");

    public Task<IReadOnlyList<SnapshotSummary>> ListSnapshotsAsync(CancellationToken ct = default)
        => throw new NotSupportedException("engine under construction");

    public Task<RestoreResult> RestoreAsync(string snapshot, string targetDirectory, bool overwrite = false, IProgress<RestoreProgress>? progress = null, CancellationToken ct = default)
        => throw new NotSupportedException("engine under construction");

    public Task<VerifyReport> VerifyAsync(bool readData, IProgress<VerifyProgress>? progress = null, CancellationToken ct = default)
        => throw new NotSupportedException("engine under construction");

    public Task<ForgetResult> ForgetAsync(int keepLast, bool prune, CancellationToken ct = default)
        => throw new NotSupportedException("engine under construction");

    public ValueTask DisposeAsync() => ValueTask.CompletedTask;
}
