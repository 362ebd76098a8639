using Lockbox.Cryptography;
using Lockbox.Repository;
using Lockbox.Repository.Storage;

namespace Lockbox.Client;

/// <summary>
/// The device side of Lockbox as an app uses it: enable backups on a repository, back up, list,
/// restore, verify and thin out snapshots, and show the 64-digit key again. It finds the key
/// (environment, device state, or a prompt), opens the repository address, and keeps the device
/// state that notices a store rolling back snapshots.
/// </summary>
public sealed class LockboxClient
{
    private readonly LockboxClientOptions _options;
    private readonly KeyResolver _keys;

    public LockboxClient(LockboxClientOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        _options = options;
        _keys = new KeyResolver(options);
    }

    /// <summary>This device's state.</summary>
    public DeviceState State => _options.State;

    /// <summary>
    /// Creates a repository at <paramref name="address"/> protected by this device's key (made now
    /// from the CSPRNG if the device has none and <c>LOCKBOX_KEY</c> is not set), and keeps the key in
    /// device state.
    /// </summary>
    public async Task<InitResult> InitAsync(string address, RepositoryHints? hints = null, CancellationToken cancellationToken = default)
    {
        string normalized = RepositoryAddress.Normalize(address);
        var resolved = _keys.TryResolve(allowPrompt: false, cancellationToken);
        BackupKey key = resolved?.Key ?? BackupKey.Generate();
        KeyOrigin origin = resolved?.Origin ?? KeyOrigin.Generated;
        try
        {
            IBlobStore store = RepositoryAddress.Open(normalized);
            await using (await BackupRepository.InitAsync(store, key, hints, cancellationToken).ConfigureAwait(false))
            {
            }
            if (origin != KeyOrigin.DeviceState && !State.HasKey)
                State.SaveKey(key);
            State.SaveFacts(new RepositoryFacts(normalized, 0, null));
            return new InitResult(normalized, key.ToDigits(), origin);
        }
        finally
        {
            key.Dispose();
        }
    }

    /// <summary>Backs up a chat database (and its media folder) as a new snapshot.</summary>
    public Task<SnapshotSummary> BackupAsync(string address, BackupSource source, IProgress<BackupProgress>? progress = null, CancellationToken cancellationToken = default)
        => WithRepositoryAsync(address, async (repository, normalized, _) =>
        {
            await CheckRollbackAsync(repository, normalized, cancellationToken).ConfigureAwait(false);
            SnapshotSummary summary = await repository.BackupAsync(source, progress, cancellationToken).ConfigureAwait(false);
            Remember(normalized, summary);
            return summary;
        }, cancellationToken);

    /// <summary>Lists the repository's snapshots, oldest first.</summary>
    public Task<IReadOnlyList<SnapshotSummary>> ListSnapshotsAsync(string address, CancellationToken cancellationToken = default)
        => WithRepositoryAsync(address, (repository, normalized, _) => CheckRollbackAsync(repository, normalized, cancellationToken), cancellationToken);

    /// <summary>
    /// Restores a snapshot ("latest", an id or an id prefix) into <paramref name="targetDirectory"/>.
    /// On a new device, a key that restored successfully becomes this device's key.
    /// </summary>
    public Task<RestoreResult> RestoreAsync(string address, string snapshot, string targetDirectory, bool overwrite = false, IProgress<RestoreProgress>? progress = null, CancellationToken cancellationToken = default)
        => RestoreAsync(address, snapshot, targetDirectory, databaseOnly: false, overwrite, progress, cancellationToken);

    /// <summary>
    /// As <see cref="RestoreAsync(string, string, string, bool, IProgress{RestoreProgress}?, CancellationToken)"/>: the
    /// database comes first (in place as soon as it is complete), then the media unless <paramref name="databaseOnly"/>.
    /// </summary>
    public Task<RestoreResult> RestoreAsync(string address, string snapshot, string targetDirectory, bool databaseOnly, bool overwrite = false, IProgress<RestoreProgress>? progress = null, CancellationToken cancellationToken = default)
        => WithRepositoryAsync(address, async (repository, normalized, key) =>
        {
            await CheckRollbackAsync(repository, normalized, cancellationToken).ConfigureAwait(false);
            RestoreResult result = await repository.RestoreAsync(snapshot, targetDirectory, databaseOnly, overwrite, progress, cancellationToken).ConfigureAwait(false);
            if (!State.HasKey) State.SaveKey(key);
            return result;
        }, cancellationToken);

    /// <summary>Checks the repository's structure and snapshot chain; with <paramref name="readData"/> decrypts every blob.</summary>
    public Task<VerifyReport> VerifyAsync(string address, bool readData, IProgress<VerifyProgress>? progress = null, CancellationToken cancellationToken = default)
        => WithRepositoryAsync(address, async (repository, normalized, _) =>
        {
            await CheckRollbackAsync(repository, normalized, cancellationToken).ConfigureAwait(false);
            return await repository.VerifyAsync(readData, progress, cancellationToken).ConfigureAwait(false);
        }, cancellationToken);

    /// <summary>Forgets all but the newest <paramref name="keepLast"/> snapshots; with <paramref name="prune"/> frees their space.</summary>
    public Task<ForgetResult> ForgetAsync(string address, int keepLast, bool prune, CancellationToken cancellationToken = default)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(keepLast, 1);
        return WithRepositoryAsync(address, async (repository, normalized, _) =>
        {
            await CheckRollbackAsync(repository, normalized, cancellationToken).ConfigureAwait(false);
            return await repository.ForgetAsync(keepLast, prune, cancellationToken).ConfigureAwait(false);
        }, cancellationToken);
    }

    /// <summary>
    /// Removes a stale repository lock (its holder ran on this host and has ended, or shows no sign of life for 30
    /// minutes); with <paramref name="removeAll"/>, any lock, also one whose holder may still be running.
    /// </summary>
    public async Task<UnlockResult> UnlockAsync(string address, bool removeAll, CancellationToken cancellationToken = default)
    {
        string normalized = RepositoryAddress.Normalize(address);
        IBlobStore store = RepositoryAddress.Open(normalized);
        (BackupKey key, _) = _keys.Resolve(cancellationToken);
        using (key)
            return await BackupRepository.UnlockAsync(store, key, removeAll, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// The backup key this client has without asking anyone (a recovered key, LOCKBOX_KEY, then device
    /// state), or null. The caller disposes it.
    /// </summary>
    /// <exception cref="KeyUnavailableException">LOCKBOX_KEY is malformed.</exception>
    public BackupKey? TryLoadKey() => _keys.TryResolve(allowPrompt: false, CancellationToken.None)?.Key;

    /// <summary>This device's 64-digit key, grouped for writing down.</summary>
    /// <exception cref="KeyUnavailableException">This device holds no key.</exception>
    public string ShowKey()
    {
        using BackupKey key = State.TryLoadKey()
            ?? throw new KeyUnavailableException($"This device holds no backup key (device state {State.Directory}); run 'lockbox init' or restore with your 64-digit key first.");
        return key.ToDigits();
    }

    private async Task<T> WithRepositoryAsync<T>(string address, Func<BackupRepository, string, BackupKey, Task<T>> action, CancellationToken cancellationToken)
    {
        string normalized = RepositoryAddress.Normalize(address);
        IBlobStore store = RepositoryAddress.Open(normalized);
        (BackupKey key, _) = _keys.Resolve(cancellationToken);
        try
        {
            BackupRepository repository = await BackupRepository.OpenAsync(store, key, cancellationToken).ConfigureAwait(false);
            await using (repository.ConfigureAwait(false))
            {
                // The engine also refuses a repository whose newest snapshot is older than this.
                repository.KnownSequence = State.TryLoadFacts(normalized)?.LastSequence ?? 0;
                repository.Notice = _options.Notice;
                return await action(repository, normalized, key).ConfigureAwait(false);
            }
        }
        finally
        {
            key.Dispose();
        }
    }

    /// <summary>
    /// Fails when the repository's newest snapshot is older than one this device saw; otherwise
    /// records the newest and returns the list.
    /// </summary>
    private async Task<IReadOnlyList<SnapshotSummary>> CheckRollbackAsync(BackupRepository repository, string address, CancellationToken cancellationToken)
    {
        IReadOnlyList<SnapshotSummary> snapshots = await repository.ListSnapshotsAsync(cancellationToken).ConfigureAwait(false);
        SnapshotSummary? newest = snapshots.Count == 0 ? null : snapshots.MaxBy(s => s.Sequence);
        long newestSequence = newest?.Sequence ?? 0;
        RepositoryFacts? facts = State.TryLoadFacts(address);
        if (facts is not null && newestSequence < facts.LastSequence)
            throw new RollbackDetectedException(address, facts.LastSequence, newestSequence);
        if (newest is not null && (facts is null || newestSequence > facts.LastSequence))
            Remember(address, newest);
        return snapshots;
    }

    private void Remember(string address, SnapshotSummary snapshot)
        => State.SaveFacts(new RepositoryFacts(address, snapshot.Sequence, snapshot.Id));
}
