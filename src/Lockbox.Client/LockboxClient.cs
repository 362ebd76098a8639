using Lockbox.Client.Vault;
using Lockbox.Cryptography;
using Lockbox.Repository;
using Lockbox.Repository.Storage;

namespace Lockbox.Client;

/// <summary>
/// The device side of Lockbox as an app uses it (docs/SDK.md): create a repository (with or without password escrow),
/// back up, list, restore, verify and thin out snapshots, show the 64-digit key again, manage the password escrow
/// (<c>LockboxClient.Escrow.cs</c>) and import a WhatsApp backup (<c>LockboxClient.WhatsApp.cs</c>). It finds the key
/// (recovered, given, device state, or a prompt), opens repository addresses through the app's store registry, and
/// keeps the device state that notices a store rolling back snapshots.
/// </summary>
public sealed partial class LockboxClient
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

    /// <summary>A client for the same device, stores and notices that uses <paramref name="key"/> (copied; the caller disposes it).</summary>
    public LockboxClient WithKey(BackupKey key) => WithKey(key, anchor: null);

    /// <summary>
    /// A client for the same device, stores and notices that uses the key recovered from the vault (copied; the caller
    /// disposes <paramref name="recovery"/>) and checks restores against the freshness anchor released with it.
    /// </summary>
    public LockboxClient WithKey(KeyRecovery recovery)
    {
        ArgumentNullException.ThrowIfNull(recovery);
        return WithKey(recovery.Key, recovery.Anchor);
    }

    private LockboxClient WithKey(BackupKey key, FreshnessAnchor? anchor)
    {
        ArgumentNullException.ThrowIfNull(key);
        return new LockboxClient(new LockboxClientOptions
        {
            State = _options.State,
            Stores = _options.Stores,
            StoreLimits = _options.StoreLimits,
            ScratchDirectory = _options.ScratchDirectory,
            RecoveredKey = key,
            Anchor = anchor,
            Vault = _options.Vault,
            Notice = _options.Notice,
        });
    }

    /// <summary>
    /// Creates a repository at <paramref name="address"/> protected by this device's key (made now from the CSPRNG if
    /// the device has none and none was given), and keeps the key in device state. With <paramref name="escrow"/>,
    /// the key is first escrowed in the vault behind the password and the repository remembers the vault; if creating
    /// the repository then fails, the escrow is deleted again so the account can enrol anew.
    /// </summary>
    public async Task<InitResult> CreateAsync(string address, PasswordEscrow? escrow = null, CancellationToken cancellationToken = default)
    {
        var resolved = _keys.TryResolve(allowPrompt: false, cancellationToken);
        BackupKey key = resolved?.Key ?? BackupKey.Generate();
        KeyOrigin origin = resolved?.Origin ?? KeyOrigin.Generated;
        using (key)
        {
            if (escrow is null)
                return await CreateRepositoryAsync(address, key, origin, hints: null, cancellationToken).ConfigureAwait(false);
            return await CreateEscrowedAsync(address, key, origin, escrow, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>As <see cref="CreateAsync"/> without escrow, remembering <paramref name="hints"/> in the repository.</summary>
    public async Task<InitResult> InitAsync(string address, RepositoryHints? hints = null, CancellationToken cancellationToken = default)
    {
        var resolved = _keys.TryResolve(allowPrompt: false, cancellationToken);
        using BackupKey key = resolved?.Key ?? BackupKey.Generate();
        return await CreateRepositoryAsync(address, key, resolved?.Origin ?? KeyOrigin.Generated, hints, cancellationToken).ConfigureAwait(false);
    }

    private async Task<InitResult> CreateRepositoryAsync(string address, BackupKey key, KeyOrigin origin, RepositoryHints? hints, CancellationToken cancellationToken)
    {
        string normalized = Normalize(address);
        IBlobStore store = Open(normalized);
        await using (await BackupRepository.InitAsync(store, key, hints, cancellationToken).ConfigureAwait(false))
        {
        }
        if (origin != KeyOrigin.DeviceState && !State.HasKey)
            State.SaveKey(key);
        State.SaveFacts(new RepositoryFacts(normalized, 0, null));
        return new InitResult(normalized, key.ToDigits(), origin);
    }

    /// <summary>
    /// Backs up a chat database (and its media folder) as a new snapshot. The database's consistent copy is made (0600, in
    /// a 0700 folder) under <see cref="BackupSource.ScratchDirectory"/>, else <see cref="LockboxClientOptions.ScratchDirectory"/>,
    /// else this device's state folder. In password mode (<see cref="LockboxClientOptions.Vault"/>
    /// set and the repository remembering that account) the vault's freshness anchor is then advanced to the new
    /// snapshot; if that fails the backup still stands and <see cref="BackupResult.AnchorWarning"/> says why.
    /// </summary>
    public Task<BackupResult> BackupAsync(string address, BackupSource source, IProgress<BackupProgress>? progress = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(source);
        return WithRepositoryAsync(address, async (repository, normalized, key) =>
        {
            // The database's consistent copy (plaintext) goes under the app's private folders, never the shared temp folder.
            BackupSource scratched = source.ScratchDirectory is null ? source with { ScratchDirectory = _options.ScratchDirectory ?? State.Directory } : source;
            SnapshotSummary summary = await repository.BackupAsync(scratched, progress, cancellationToken).ConfigureAwait(false);
            Remember(normalized, summary.Sequence, summary.Id);
            return await AdvanceAnchorAsync(repository.Hints, summary, key, cancellationToken).ConfigureAwait(false);
        }, cancellationToken);
    }

    /// <summary>Lists the repository's snapshots, oldest first.</summary>
    public Task<IReadOnlyList<SnapshotSummary>> ListSnapshotsAsync(string address, CancellationToken cancellationToken = default)
        => WithRepositoryAsync(address, async (repository, normalized, _) =>
        {
            IReadOnlyList<SnapshotSummary> snapshots = await repository.ListSnapshotsAsync(cancellationToken).ConfigureAwait(false);
            if (snapshots.Count > 0)
            {
                SnapshotSummary newest = snapshots.MaxBy(s => s.Sequence)!;
                Remember(normalized, newest.Sequence, newest.Id);
            }
            return snapshots;
        }, cancellationToken);

    /// <summary>
    /// Restores a snapshot into <see cref="RestoreOptions.TargetDirectory"/>: the database first (in place as soon as it
    /// is complete), then the media unless <see cref="RestoreOptions.DatabaseOnly"/>. On a new device, a key that
    /// restored successfully becomes this device's key. With a freshness anchor (<see cref="WithKey(KeyRecovery)"/>), a
    /// store whose newest snapshot is older than the anchored one is refused before anything is written.
    /// </summary>
    /// <exception cref="VaultException"><see cref="VaultFailure.StaleStore"/>: the store hides newer backups than the vault anchored.</exception>
    public Task<RestoreResult> RestoreAsync(string address, RestoreOptions options, IProgress<RestoreProgress>? progress = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(options);
        return WithRepositoryAsync(address, async (repository, _, key) =>
        {
            if (_options.Anchor is { } anchor) await CheckFreshnessAsync(repository, anchor, cancellationToken).ConfigureAwait(false);
            RestoreResult result = await repository.RestoreAsync(new RestoreRequest
            {
                TargetDirectory = options.TargetDirectory,
                Snapshot = options.Snapshot,
                Filter = options.Filter,
                ThisDevice = options.ThisDevice,
                Include = options.Include,
                DatabaseOnly = options.DatabaseOnly,
                MediaOnly = options.MediaOnly,
                Overwrite = options.Overwrite,
                ContinuePastDamage = options.ContinuePastDamage,
            }, progress, cancellationToken).ConfigureAwait(false);
            if (!State.HasKey) State.SaveKey(key);
            return result;
        }, cancellationToken);
    }

    /// <summary>Restores <paramref name="snapshot"/> ("latest", an id or an id prefix) into <paramref name="targetDirectory"/>.</summary>
    public Task<RestoreResult> RestoreAsync(string address, string snapshot, string targetDirectory, bool overwrite = false, IProgress<RestoreProgress>? progress = null, CancellationToken cancellationToken = default)
        => RestoreAsync(address, new RestoreOptions { TargetDirectory = targetDirectory, Snapshot = snapshot, Overwrite = overwrite }, progress, cancellationToken);

    /// <summary>Checks the repository's structure and snapshot chain; with <paramref name="readData"/> decrypts every blob.</summary>
    public Task<VerifyReport> VerifyAsync(string address, bool readData, IProgress<VerifyProgress>? progress = null, CancellationToken cancellationToken = default)
        => WithRepositoryAsync(address, (repository, _, _) => repository.VerifyAsync(readData, progress, cancellationToken), cancellationToken);

    /// <summary>Lists the snapshots <paramref name="filter"/> selects, oldest first (the whole chain is checked).</summary>
    public Task<IReadOnlyList<SnapshotSummary>> ListSnapshotsAsync(string address, SnapshotFilter filter, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(filter);
        return WithRepositoryAsync(address, (repository, _, _) => repository.ListSnapshotsAsync(filter, cancellationToken), cancellationToken);
    }

    /// <summary>
    /// Forgets the snapshots <paramref name="request"/> names and those its policy does not keep in each source group;
    /// with <see cref="ForgetRequest.DryRun"/> only reports what would go.
    /// </summary>
    /// <exception cref="SnapshotNotFoundException">A named snapshot is unknown or ambiguous.</exception>
    public Task<ForgetResult> ForgetAsync(string address, ForgetRequest request, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        return WithRepositoryAsync(address, (repository, _, _) => repository.ForgetAsync(request, cancellationToken), cancellationToken);
    }

    /// <summary>A snapshot ("latest" of <paramref name="filter"/>'s selection, an id prefix or "#N") and its files.</summary>
    public Task<(SnapshotSummary Snapshot, IReadOnlyList<SnapshotFile> Files)> ListFilesAsync(string address, string snapshot, SnapshotFilter? filter = null, CancellationToken cancellationToken = default)
        => WithRepositoryAsync(address, (repository, _, _) => repository.ListFilesAsync(snapshot, filter, cancellationToken), cancellationToken);

    /// <summary>What changed between two snapshots.</summary>
    public Task<SnapshotDiff> DiffAsync(string address, string from, string to, CancellationToken cancellationToken = default)
        => WithRepositoryAsync(address, (repository, _, _) => repository.DiffAsync(from, to, cancellationToken), cancellationToken);

    /// <summary>The repository's size, deduplication ratio, and what the newest day added.</summary>
    public Task<RepositoryStats> StatsAsync(string address, CancellationToken cancellationToken = default)
        => WithRepositoryAsync(address, (repository, _, _) => repository.StatsAsync(cancellationToken), cancellationToken);

    /// <summary>Keeps the newest <paramref name="keepLast"/> snapshots of each source (device and database); with <paramref name="prune"/> frees the others' space.</summary>
    public Task<ForgetResult> ForgetAsync(string address, int keepLast, bool prune, CancellationToken cancellationToken = default)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(keepLast, 1);
        return WithRepositoryAsync(address, (repository, _, _) => repository.ForgetAsync(keepLast, prune, cancellationToken), cancellationToken);
    }

    /// <summary>
    /// Removes a stale repository lock (its holder ran on this host and has ended, or shows no sign of life for 30
    /// minutes); with <paramref name="removeAll"/>, any lock, also one whose holder may still be running.
    /// </summary>
    public async Task<UnlockResult> UnlockAsync(string address, bool removeAll, CancellationToken cancellationToken = default)
    {
        IBlobStore store = Open(Normalize(address));
        (BackupKey key, _) = _keys.Resolve(cancellationToken);
        using (key)
            return await BackupRepository.UnlockAsync(store, key, removeAll, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// The vault address and account the repository at <paramref name="address"/> remembers, read without the key (so
    /// unauthenticated until the key opens the repository), or null when it remembers none.
    /// </summary>
    public Task<RepositoryHints?> ReadVaultHintsAsync(string address, CancellationToken cancellationToken = default)
        => BackupRepository.ReadHintsAsync(Open(Normalize(address)), cancellationToken);

    /// <summary>
    /// The backup key this client has without asking anyone (a recovered key, the digits given, then device state), or
    /// null. The caller disposes it.
    /// </summary>
    /// <exception cref="KeyUnavailableException">The digits given are malformed.</exception>
    public BackupKey? TryLoadKey() => _keys.TryResolve(allowPrompt: false, CancellationToken.None)?.Key;

    /// <summary>True when this client has a backup key without asking anyone (the original device, or digits given).</summary>
    public bool HasKey => !string.IsNullOrWhiteSpace(_options.KeyDigits) || _options.RecoveredKey is not null || State.HasKey;

    /// <summary>Checks, before asking the user anything, that this client has the backup key <paramref name="purpose"/> needs.</summary>
    /// <exception cref="KeyUnavailableException">No key, or the digits given are malformed; the message names <paramref name="purpose"/>.</exception>
    public void EnsureKey(string purpose)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(purpose);
        _keys.RequireLocal(purpose).Dispose();
    }

    /// <summary>This device's 64-digit key, grouped for writing down.</summary>
    /// <exception cref="KeyUnavailableException">This device holds no key.</exception>
    public string ShowKey()
    {
        using BackupKey key = State.TryLoadKey()
            ?? throw new KeyUnavailableException($"This device holds no backup key (device state {State.Directory}): create a repository, or restore with the 64-digit key, first.");
        return key.ToDigits();
    }

    private string Normalize(string address) => Stores.StoreRegistry.Normalize(address);

    private IBlobStore Open(string normalizedAddress) => _options.Stores.Open(normalizedAddress, _options.StoreLimits);

    /// <summary>
    /// Opens the repository with the key and this device's newest known snapshot, so the engine's one rollback check
    /// (a newest snapshot older than one this device saw) runs on the snapshots the operation loads anyway.
    /// </summary>
    private async Task<T> WithRepositoryAsync<T>(string address, Func<BackupRepository, string, BackupKey, Task<T>> action, CancellationToken cancellationToken)
    {
        string normalized = Normalize(address);
        IBlobStore store = Open(normalized);
        (BackupKey key, _) = _keys.Resolve(cancellationToken);
        try
        {
            BackupRepository repository = await BackupRepository.OpenAsync(store, key, cancellationToken).ConfigureAwait(false);
            await using (repository.ConfigureAwait(false))
            {
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

    private void Remember(string address, long sequence, string id)
    {
        RepositoryFacts? facts = State.TryLoadFacts(address);
        if (facts is null || sequence > facts.LastSequence)
            State.SaveFacts(new RepositoryFacts(address, sequence, id));
    }
}
