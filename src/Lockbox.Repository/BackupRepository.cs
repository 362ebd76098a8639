using Lockbox.Cryptography;
using Lockbox.Repository.Engine;
using Lockbox.Repository.Format;
using Lockbox.Repository.Format.Config;
using Lockbox.Repository.Locking;
using Lockbox.Repository.Storage;

namespace Lockbox.Repository;

/// <summary>
/// An encrypted, deduplicating chat-backup repository in an <see cref="IBlobStore"/> (docs/FORMAT.md).
/// Open one with <see cref="OpenAsync"/> (or create it with <see cref="InitAsync"/>), then back up,
/// list, restore, verify and forget. Backups and forget take the repository lock; reads do not.
/// The instance keeps its own copy of the key and wipes it on dispose.
/// </summary>
public sealed class BackupRepository : IAsyncDisposable
{
    private readonly RepositoryState _state;
    private readonly TimeProvider _time;

    private BackupRepository(RepositoryState state, TimeProvider time)
    {
        _state = state;
        _time = time;
    }

    /// <summary>
    /// The highest snapshot sequence this device has seen (keep it in device state and set it after opening).
    /// List, restore, verify, backup and forget then report a store whose newest snapshot is older as damaged
    /// (rolled back or hiding snapshots). After a backup, store <see cref="SnapshotSummary.Sequence"/>.
    /// </summary>
    public long KnownSequence { get; set; }

    /// <summary>
    /// Receives one-line notices about things done on the user's behalf, such as removing a lock left by a process of
    /// this host that has ended.
    /// </summary>
    public Action<string>? Notice { get; set; }

    /// <summary>A short description of the store, for messages.</summary>
    public string Description => _state.Store.Description;

    /// <summary>The vault hints of the config this repository was opened with (authenticated with K at open).</summary>
    public RepositoryHints? Hints => _state.Config.Hints;

    /// <summary>Creates a repository in an empty store; <see cref="RepositoryExistsException"/> if the store already has a config.</summary>
    public static async Task<BackupRepository> InitAsync(IBlobStore store, BackupKey key, RepositoryHints? hints = null, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(store);
        ArgumentNullException.ThrowIfNull(key);
        var time = TimeProvider.System;
        var keys = new RepositoryKeys(key);
        try
        {
            var config = RepositoryConfig.CreateNew(hints, time.GetUtcNow());
            if (!await store.PutIfAbsentAsync(FormatConstants.ConfigName, config.Encode(keys), ct).ConfigureAwait(false))
                throw new RepositoryExistsException(store.Description);
            return new BackupRepository(new RepositoryState(store, keys, config), time);
        }
        catch
        {
            keys.Dispose();
            throw;
        }
    }

    /// <summary>Opens a repository: <see cref="NotARepositoryException"/>, <see cref="WrongKeyException"/>, or <see cref="RepositoryDamagedException"/> for a changed config.</summary>
    public static async Task<BackupRepository> OpenAsync(IBlobStore store, BackupKey key, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(store);
        ArgumentNullException.ThrowIfNull(key);
        byte[] data = await ReadConfigAsync(store, ct).ConfigureAwait(false);
        var keys = new RepositoryKeys(key);
        try
        {
            RepositoryConfig config;
            try
            {
                config = RepositoryConfig.Decode(keys, data, store.Description);
            }
            catch (CorruptDataException e)
            {
                throw new RepositoryDamagedException(FormatConstants.ConfigName, e.Message);
            }
            var state = new RepositoryState(store, keys, config);
            return new BackupRepository(state, TimeProvider.System);
        }
        catch
        {
            keys.Dispose();
            throw;
        }
    }

    /// <summary>Reads the vault hints without K (unauthenticated until the repository is opened with K, which checks them).</summary>
    public static async Task<RepositoryHints?> ReadHintsAsync(IBlobStore store, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(store);
        byte[] data = await ReadConfigAsync(store, ct).ConfigureAwait(false);
        try
        {
            return RepositoryConfig.ReadPublic(data, store.Description).Hints;
        }
        catch (CorruptDataException e)
        {
            throw new RepositoryDamagedException(FormatConstants.ConfigName, e.Message);
        }
    }

    /// <summary>Removes the repository lock whoever holds it (after a crashed backup); true when there was one. Needs K.</summary>
    public static async Task<bool> BreakLockAsync(IBlobStore store, BackupKey key, CancellationToken ct = default)
    {
        await using BackupRepository repository = await OpenAsync(store, key, ct).ConfigureAwait(false);
        return await RepositoryLock.BreakAsync(store, ct).ConfigureAwait(false);
    }

    /// <summary>
    /// Removes a stale lock (its holder ran on this host and has ended, or it shows no sign of life for 30 minutes);
    /// with <paramref name="removeAll"/>, any lock, also one whose holder may still run. Needs K.
    /// </summary>
    public static async Task<UnlockResult> UnlockAsync(IBlobStore store, BackupKey key, bool removeAll, CancellationToken ct = default)
    {
        await using BackupRepository repository = await OpenAsync(store, key, ct).ConfigureAwait(false);
        return await RepositoryLock.UnlockAsync(repository._state, removeAll, repository._time, ct).ConfigureAwait(false);
    }

    /// <summary>Backs up the database (consistent copy of the live file) and the media folder; returns the new snapshot.</summary>
    public async Task<SnapshotSummary> BackupAsync(BackupSource source, IProgress<BackupProgress>? progress = null, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(source);
        // A tag a reader would refuse must never be written: the snapshot would read as damage.
        if (source.Tags.Count > Format.Snapshot.SnapshotManifest.MaxTags || source.Tags.Any(t => t is null || !Format.Snapshot.SnapshotManifest.IsValidTag(t))
            || source.Tags.Distinct(StringComparer.Ordinal).Count() != source.Tags.Count)
            throw new ArgumentException("Tags must be distinct, 1 to 255 bytes, without ',' or control characters, and at most 64.", nameof(source));
        if (source.SourcePath is { Length: 0 }) throw new ArgumentException("SourcePath must not be empty (null records the database's path).", nameof(source));
        await using RepositoryLock held = await RepositoryLock.AcquireAsync(_state, "backup", _time, Notice, ct).ConfigureAwait(false);
        SnapshotSummary summary = await new BackupRun(_state, KnownSequence, progress, _time).RunAsync(source, ct).ConfigureAwait(false);
        KnownSequence = Math.Max(KnownSequence, summary.Sequence);
        return summary;
    }

    /// <summary>Every snapshot, oldest first, after checking the chain.</summary>
    public Task<IReadOnlyList<SnapshotSummary>> ListSnapshotsAsync(CancellationToken ct = default) => ListSnapshotsAsync(SnapshotFilter.All, ct);

    /// <summary>The snapshots <paramref name="filter"/> selects, oldest first, after checking the whole chain.</summary>
    public async Task<IReadOnlyList<SnapshotSummary>> ListSnapshotsAsync(SnapshotFilter filter, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(filter);
        var chain = await _state.LoadChainAsync(KnownSequence, ct).ConfigureAwait(false);
        return chain.Select(s => Summaries.From(s.Id, s.Manifest)).Where(filter.Matches).ToList();
    }

    /// <summary>One snapshot by name: its id, a unique id prefix, "#N" (its sequence) or "latest" (of the selection).</summary>
    /// <exception cref="SnapshotNotFoundException">No such snapshot, or the prefix is ambiguous.</exception>
    public async Task<SnapshotSummary> FindSnapshotAsync(string snapshot, SnapshotFilter? filter = null, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(snapshot);
        var chain = await _state.LoadChainAsync(KnownSequence, ct).ConfigureAwait(false);
        return SnapshotSelector.Resolve(chain.Select(s => Summaries.From(s.Id, s.Manifest)).ToList(), snapshot, filter ?? SnapshotFilter.All);
    }

    /// <summary>
    /// Restores a snapshot (id, unique id prefix, or "latest") into <paramref name="targetDirectory"/>: the database
    /// under its file name and media under media/. Writes temporary files and renames them only after every byte was
    /// authenticated; refuses to replace existing files unless <paramref name="overwrite"/>.
    /// </summary>
    public Task<RestoreResult> RestoreAsync(string snapshot, string targetDirectory, bool overwrite = false, IProgress<RestoreProgress>? progress = null, CancellationToken ct = default)
        => RestoreAsync(snapshot, targetDirectory, databaseOnly: false, overwrite, progress, ct);

    /// <summary>
    /// As <see cref="RestoreAsync(string, string, bool, IProgress{RestoreProgress}?, CancellationToken)"/>; the database is
    /// restored first and renamed into place as soon as it is complete (messages first), then the media, which
    /// <paramref name="databaseOnly"/> skips.
    /// </summary>
    public Task<RestoreResult> RestoreAsync(string snapshot, string targetDirectory, bool databaseOnly, bool overwrite = false, IProgress<RestoreProgress>? progress = null, CancellationToken ct = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(snapshot);
        ArgumentException.ThrowIfNullOrWhiteSpace(targetDirectory);
        return RestoreAsync(new RestoreRequest { TargetDirectory = targetDirectory, Snapshot = snapshot, DatabaseOnly = databaseOnly, Overwrite = overwrite }, progress, ct);
    }

    /// <summary>
    /// Restores the snapshot <paramref name="request"/> names (issue 13: a selection, "#N", media globs, and going on past
    /// damaged packs). The database first (in place as soon as it is complete), then the media; every file is renamed
    /// into place only after every byte of it was authenticated, and a file whose data is damaged is never written.
    /// </summary>
    /// <exception cref="SnapshotNotFoundException">No such snapshot, or the name is ambiguous.</exception>
    public async Task<RestoreResult> RestoreAsync(RestoreRequest request, IProgress<RestoreProgress>? progress = null, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentException.ThrowIfNullOrWhiteSpace(request.TargetDirectory);
        if (request.DatabaseOnly && request.MediaOnly) throw new ArgumentException("Database-only and media-only exclude each other.", nameof(request));
        await _state.LoadIndexAsync(ct).ConfigureAwait(false);
        var chain = await _state.LoadChainAsync(KnownSequence, ct).ConfigureAwait(false);
        var summaries = chain.Select(s => Summaries.From(s.Id, s.Manifest)).ToList();
        SnapshotSummary chosen = SnapshotSelector.ResolveForRestore(summaries, request.Snapshot, request.Filter, request.ThisDevice, out string? note);
        var (id, manifest) = chain[summaries.IndexOf(chosen)];
        RestoreResult result = await new RestoreRun(_state, progress).RunAsync(id, manifest, request, ct).ConfigureAwait(false);
        return result with { Device = chosen.Device, Source = chosen.SourcePath, Note = note };
    }

    /// <summary>The snapshot <paramref name="snapshot"/> names (among <paramref name="filter"/>'s selection) and its files: the database, then the media.</summary>
    /// <exception cref="SnapshotNotFoundException">No such snapshot, or the name is ambiguous.</exception>
    public async Task<(SnapshotSummary Snapshot, IReadOnlyList<SnapshotFile> Files)> ListFilesAsync(string snapshot, SnapshotFilter? filter = null, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(snapshot);
        var (summary, files) = await new SnapshotInspector(_state, KnownSequence).ListAsync(snapshot, filter ?? SnapshotFilter.All, ct).ConfigureAwait(false);
        return (summary, files);
    }

    /// <summary>What changed from snapshot <paramref name="from"/> to <paramref name="to"/>: media added, removed and changed, database pages changed, new data.</summary>
    /// <exception cref="SnapshotNotFoundException">No such snapshot, or a name is ambiguous.</exception>
    public Task<SnapshotDiff> DiffAsync(string from, string to, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(from);
        ArgumentNullException.ThrowIfNull(to);
        return new SnapshotInspector(_state, KnownSequence).DiffAsync(from, to, ct);
    }

    /// <summary>Snapshots, logical and stored size, deduplication ratio, and what the newest day added.</summary>
    public Task<RepositoryStats> StatsAsync(CancellationToken ct = default) => new SnapshotInspector(_state, KnownSequence).StatsAsync(ct);

    /// <summary>Checks structure and chain; with <paramref name="readData"/> also reads every pack and checks every blob.</summary>
    public Task<VerifyReport> VerifyAsync(bool readData, IProgress<VerifyProgress>? progress = null, CancellationToken ct = default)
        => new Verifier(_state, KnownSequence, progress).RunAsync(readData, ct);

    /// <summary>Keeps the newest <paramref name="keepLast"/> snapshots of each source group; with <paramref name="prune"/>, removes the data only the others used.</summary>
    public Task<ForgetResult> ForgetAsync(int keepLast, bool prune, CancellationToken ct = default)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(keepLast, 1);
        return ForgetAsync(new ForgetRequest { Policy = new ForgetPolicy { KeepLast = keepLast }, Prune = prune }, ct);
    }

    /// <summary>
    /// Forgets the snapshots <paramref name="request"/> names and those its policy does not keep (per source group, among
    /// the selection); with <see cref="ForgetRequest.Prune"/> removes the data only they used; with
    /// <see cref="ForgetRequest.DryRun"/> changes nothing and reports what would go.
    /// </summary>
    /// <exception cref="SnapshotNotFoundException">A named snapshot is unknown or ambiguous.</exception>
    public async Task<ForgetResult> ForgetAsync(ForgetRequest request, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (request.Snapshots.Count == 0 && request.Policy.IsEmpty)
            throw new ArgumentException("Name the snapshots to forget, or give a keep policy.", nameof(request));
        if (request.DryRun)
            return await new Pruner(_state, KnownSequence).RunAsync(request, ct).ConfigureAwait(false);
        await using RepositoryLock held = await RepositoryLock.AcquireAsync(_state, "forget", _time, Notice, ct).ConfigureAwait(false);
        return await new Pruner(_state, KnownSequence).RunAsync(request, ct).ConfigureAwait(false);
    }

    public ValueTask DisposeAsync()
    {
        _state.Dispose();
        return ValueTask.CompletedTask;
    }

    private static async Task<byte[]> ReadConfigAsync(IBlobStore store, CancellationToken ct)
    {
        try
        {
            return await store.GetAsync(FormatConstants.ConfigName, ct).ConfigureAwait(false);
        }
        catch (BlobNotFoundException)
        {
            throw new NotARepositoryException(store.Description);
        }
    }
}
