using System.Security.Cryptography;
using Lockbox.Repository.Engine;
using Lockbox.Repository.Format;
using Lockbox.Repository.Storage;

namespace Lockbox.Repository.Locking;

/// <summary>
/// The exclusive repository lock (FORMAT.md section 10): object "locks/lock" created with put-if-absent, holding the
/// encrypted <see cref="LockRecord"/> (lock id, host, process id and start time, creation time, purpose). The holder
/// proves it is alive by writing empty objects "locks/refresh/&lt;lock id&gt;/&lt;unix ms&gt;" every 5 minutes.
/// A lock whose holder ran on this host and has ended is removed by the next acquirer; any other lock stays until
/// its holder releases it or the user unlocks the repository.
/// </summary>
internal sealed class RepositoryLock : IAsyncDisposable
{
    public static readonly TimeSpan RefreshInterval = TimeSpan.FromMinutes(5);
    public static readonly TimeSpan StaleAfter = TimeSpan.FromMinutes(30);

    private readonly RepositoryState _state;
    private readonly string _lockIdHex;
    private readonly TimeProvider _time;
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _refresher;
    private int _released;

    private RepositoryLock(RepositoryState state, string lockIdHex, TimeProvider time)
    {
        _state = state;
        _lockIdHex = lockIdHex;
        _time = time;
        _refresher = Task.Run(RefreshLoopAsync);
    }

    /// <summary>
    /// Takes the lock, first removing one left by a process of this host that has ended (reported through
    /// <paramref name="notice"/>); <see cref="RepositoryLockedException"/> when another holder has it.
    /// </summary>
    public static async Task<RepositoryLock> AcquireAsync(RepositoryState state, string purpose, TimeProvider time, Action<string>? notice, CancellationToken ct)
    {
        ct.ThrowIfCancellationRequested();
        var record = new LockRecord(Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(LockRecord.IdSize)), Environment.MachineName,
            (uint)Environment.ProcessId, time.GetUtcNow().ToUnixTimeMilliseconds(), purpose, LocalProcess.CurrentStartUnixMs());
        byte[] data = MetadataEnvelope.Seal(state.Keys, FormatConstants.TypeLock, record.Encode());
        bool clearedOne = false;
        for (int attempt = 0; ; attempt++)
        {
            // Never cancelled half-way: a put the store completed after the caller gave up would leave a lock no one releases.
            if (await state.Store.PutIfAbsentAsync(FormatConstants.LockName, data, CancellationToken.None).ConfigureAwait(false))
            {
                var held = new RepositoryLock(state, record.IdHex, time);
                if (ct.IsCancellationRequested)
                {
                    await held.DisposeAsync().ConfigureAwait(false);
                    ct.ThrowIfCancellationRequested();
                }
                return held;
            }
            LockHolder? holder = await ReadHolderAsync(state, ct).ConfigureAwait(false);
            if (holder is null)
            {
                if (attempt < 3) continue; // released between our put and our read
                throw new RepositoryLockedException("another process (it keeps taking the lock; try again)", time.GetUtcNow(), stale: false);
            }
            if (!clearedOne && holder.IsDeadOnThisHost)
            {
                clearedOne = true;
                if (await RemoveAsync(state, holder.Record.IdHex, ct).ConfigureAwait(false))
                    notice?.Invoke($"removed a stale lock: {holder.Record.Describe()} since {holder.Created:u} is no longer running.");
                continue;
            }
            throw new RepositoryLockedException(holder.Record.Describe(), holder.Created, stale: holder.IsSilent(time.GetUtcNow()) || holder.IsDeadOnThisHost);
        }
    }

    /// <summary>
    /// Removes a stale lock: one whose holder ran on this host and has ended, or that shows no sign of life for
    /// <see cref="StaleAfter"/>; with <paramref name="removeAll"/>, any lock (also one that cannot be read).
    /// </summary>
    public static async Task<UnlockResult> UnlockAsync(RepositoryState state, bool removeAll, TimeProvider time, CancellationToken ct)
    {
        LockHolder? holder;
        try
        {
            holder = await ReadHolderAsync(state, ct).ConfigureAwait(false);
        }
        catch (RepositoryDamagedException) when (removeAll)
        {
            await BreakAsync(state.Store, ct).ConfigureAwait(false);
            return new UnlockResult("an unreadable lock", null, RemovedPossiblyRunning: true);
        }
        if (holder is null)
        {
            await RemoveOrphanMarksAsync(state.Store, null, ct).ConfigureAwait(false);
            return new UnlockResult(null, null, false);
        }
        bool stale = holder.IsDeadOnThisHost || holder.IsSilent(time.GetUtcNow());
        string who = $"{holder.Record.Describe()} since {holder.Created:u}";
        if (!stale && !removeAll) return new UnlockResult(null, who, false);
        bool removed = await RemoveAsync(state, holder.Record.IdHex, ct).ConfigureAwait(false);
        return removed ? new UnlockResult(who, null, RemovedPossiblyRunning: !stale) : new UnlockResult(null, null, false);
    }

    /// <summary>The current holder, or null when there is no lock; <see cref="RepositoryDamagedException"/> when it cannot be read.</summary>
    private static async Task<LockHolder?> ReadHolderAsync(RepositoryState state, CancellationToken ct)
    {
        LockRecord? record = await ReadRecordAsync(state, ct).ConfigureAwait(false);
        if (record is null) return null;
        DateTimeOffset last = DateTimeOffset.FromUnixTimeMilliseconds(record.CreatedUnixMs);
        await foreach (BlobInfo info in state.Store.ListAsync($"{FormatConstants.LockRefreshPrefix}{record.IdHex}/", ct).ConfigureAwait(false))
        {
            // Refresh markers are named by the store's listing, unauthenticated: a name that is no time is ignored.
            if (long.TryParse(info.Name[(info.Name.LastIndexOf('/') + 1)..], System.Globalization.NumberStyles.None,
                    System.Globalization.CultureInfo.InvariantCulture, out long ms) && LockRecord.IsTime(ms))
            {
                var t = DateTimeOffset.FromUnixTimeMilliseconds(ms);
                if (t > last) last = t;
            }
        }
        return new LockHolder(record, last);
    }

    private static async Task<LockRecord?> ReadRecordAsync(RepositoryState state, CancellationToken ct)
    {
        byte[] data;
        try { data = await state.Store.GetAsync(FormatConstants.LockName, ct).ConfigureAwait(false); }
        catch (BlobNotFoundException) { return null; }
        try
        {
            return LockRecord.Decode(MetadataEnvelope.Open(state.Keys, FormatConstants.TypeLock, data));
        }
        catch (CorruptDataException e)
        {
            throw new RepositoryDamagedException(FormatConstants.LockName, e.Message);
        }
    }

    /// <summary>
    /// Deletes the lock if it is still the one with <paramref name="lockIdHex"/> (never a lock someone took since), then
    /// its refresh marks; true when the lock was deleted.
    /// </summary>
    private static async Task<bool> RemoveAsync(RepositoryState state, string lockIdHex, CancellationToken ct)
    {
        LockRecord? current;
        try { current = await ReadRecordAsync(state, ct).ConfigureAwait(false); }
        catch (RepositoryDamagedException) { return false; }
        bool deleted = false;
        if (current is not null && current.IdHex == lockIdHex)
        {
            await state.Store.DeleteAsync(FormatConstants.LockName, ct).ConfigureAwait(false);
            deleted = true;
        }
        await RemoveOrphanMarksAsync(state.Store, current is not null && current.IdHex != lockIdHex ? current.IdHex : null, ct).ConfigureAwait(false);
        return deleted;
    }

    /// <summary>Deletes refresh marks of every lock id except <paramref name="keepIdHex"/>.</summary>
    private static async Task RemoveOrphanMarksAsync(IBlobStore store, string? keepIdHex, CancellationToken ct)
    {
        var marks = new List<string>();
        await foreach (BlobInfo info in store.ListAsync(FormatConstants.LockRefreshPrefix, ct).ConfigureAwait(false))
        {
            if (keepIdHex is null || !info.Name.StartsWith($"{FormatConstants.LockRefreshPrefix}{keepIdHex}/", StringComparison.Ordinal))
                marks.Add(info.Name);
        }
        foreach (string name in marks) await store.DeleteAsync(name, ct).ConfigureAwait(false);
    }

    /// <summary>Removes the lock and its refresh marks whoever holds it; true when there was one.</summary>
    public static async Task<bool> BreakAsync(IBlobStore store, CancellationToken ct)
    {
        bool existed = false;
        var names = new List<string>();
        await foreach (BlobInfo info in store.ListAsync("locks/", ct).ConfigureAwait(false)) names.Add(info.Name);
        foreach (string name in names)
        {
            existed |= name == FormatConstants.LockName;
            await store.DeleteAsync(name, ct).ConfigureAwait(false);
        }
        return existed;
    }

    private async Task RefreshLoopAsync()
    {
        using var timer = new PeriodicTimer(RefreshInterval, _time);
        try
        {
            while (await timer.WaitForNextTickAsync(_stop.Token).ConfigureAwait(false))
            {
                string name = $"{FormatConstants.LockRefreshPrefix}{_lockIdHex}/{_time.GetUtcNow().ToUnixTimeMilliseconds()}";
                try { await _state.Store.PutIfAbsentAsync(name, Array.Empty<byte>(), _stop.Token).ConfigureAwait(false); }
                catch (BlobStoreException) { /* the next tick tries again; staleness takes 30 minutes */ }
            }
        }
        catch (OperationCanceledException)
        {
        }
    }

    /// <summary>
    /// Releases the lock. Runs on every exit path of its holder (success, failure, cancellation), so it takes no
    /// cancellation token: the token that stopped the work must not also stop the release.
    /// </summary>
    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _released, 1) != 0) return;
        await _stop.CancelAsync().ConfigureAwait(false);
        try { await _refresher.ConfigureAwait(false); }
#pragma warning disable CA1031 // The refresher's fate must not keep the lock in place.
        catch (Exception) { }
#pragma warning restore CA1031
        _stop.Dispose();
        try
        {
            await RemoveAsync(_state, _lockIdHex, CancellationToken.None).ConfigureAwait(false);
        }
        catch (BlobStoreException)
        {
            // The store failed: the lock stays, and the next backup on this host clears it (its holder has ended by then).
        }
    }
}
