using System.Security.Cryptography;
using Lockbox.Repository.Engine;
using Lockbox.Repository.Format;
using Lockbox.Repository.Storage;

namespace Lockbox.Repository.Locking;

/// <summary>
/// The exclusive repository lock (FORMAT.md "Lock"): object "locks/lock" created with put-if-absent, holding
/// (encrypted) lock id, host, process id, creation time and purpose. The holder proves it is alive by writing
/// empty objects "locks/refresh/&lt;lock id&gt;/&lt;unix ms&gt;" every 5 minutes; a lock with no sign of life for
/// 30 minutes is stale, and is only removed when the user breaks it explicitly.
/// </summary>
internal sealed class RepositoryLock : IAsyncDisposable
{
    public static readonly TimeSpan RefreshInterval = TimeSpan.FromMinutes(5);
    public static readonly TimeSpan StaleAfter = TimeSpan.FromMinutes(30);

    private readonly IBlobStore _store;
    private readonly string _lockIdHex;
    private readonly TimeProvider _time;
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _refresher;

    private RepositoryLock(IBlobStore store, string lockIdHex, TimeProvider time)
    {
        _store = store;
        _lockIdHex = lockIdHex;
        _time = time;
        _refresher = Task.Run(RefreshLoopAsync);
    }

    public static async Task<RepositoryLock> AcquireAsync(RepositoryState state, string purpose, TimeProvider time, CancellationToken ct)
    {
        byte[] lockId = RandomNumberGenerator.GetBytes(16);
        var w = new ByteWriter();
        w.Bytes(lockId);
        w.Str(Environment.MachineName);
        w.U32((uint)Environment.ProcessId);
        w.I64(time.GetUtcNow().ToUnixTimeMilliseconds());
        w.Str(purpose);
        byte[] data = MetadataEnvelope.Seal(state.Keys, FormatConstants.TypeLock, w.Written);
        if (await state.Store.PutIfAbsentAsync(FormatConstants.LockName, data, ct).ConfigureAwait(false))
            return new RepositoryLock(state.Store, Convert.ToHexStringLower(lockId), time);
        throw await DescribeHolderAsync(state, time, ct).ConfigureAwait(false);
    }

    private static async Task<Exception> DescribeHolderAsync(RepositoryState state, TimeProvider time, CancellationToken ct)
    {
        byte[] data;
        try { data = await state.Store.GetAsync(FormatConstants.LockName, ct).ConfigureAwait(false); }
        catch (BlobNotFoundException) { return new RepositoryLockedException("another process (lock just released; try again)", time.GetUtcNow(), stale: false); }
        string owner;
        DateTimeOffset created;
        string hex;
        try
        {
            byte[] payload = MetadataEnvelope.Open(state.Keys, FormatConstants.TypeLock, data);
            var r = new ByteReader(payload);
            hex = Convert.ToHexStringLower(r.Bytes(16));
            string host = r.Str();
            uint pid = r.U32();
            created = DateTimeOffset.FromUnixTimeMilliseconds(r.I64());
            string purpose = r.Str();
            owner = $"{purpose} on {host} (process {pid})";
        }
        catch (CorruptDataException e)
        {
            return new RepositoryDamagedException(FormatConstants.LockName, e.Message);
        }
        DateTimeOffset last = created;
        await foreach (BlobInfo info in state.Store.ListAsync($"{FormatConstants.LockRefreshPrefix}{hex}/", ct).ConfigureAwait(false))
        {
            if (long.TryParse(info.Name[(info.Name.LastIndexOf('/') + 1)..], out long ms))
            {
                var t = DateTimeOffset.FromUnixTimeMilliseconds(ms);
                if (t > last) last = t;
            }
        }
        return new RepositoryLockedException(owner, created, stale: time.GetUtcNow() - last > StaleAfter);
    }

    /// <summary>Removes the lock and its refresh marks whoever holds it; true when there was one.</summary>
    public static async Task<bool> BreakAsync(IBlobStore store, CancellationToken ct)
    {
        bool existed = false;
        await foreach (BlobInfo info in store.ListAsync("locks/", ct).ConfigureAwait(false))
        {
            existed |= info.Name == FormatConstants.LockName;
            await store.DeleteAsync(info.Name, ct).ConfigureAwait(false);
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
                try { await _store.PutIfAbsentAsync(name, Array.Empty<byte>(), _stop.Token).ConfigureAwait(false); }
                catch (BlobStoreException) { /* the next tick tries again; staleness takes 30 minutes */ }
            }
        }
        catch (OperationCanceledException)
        {
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync().ConfigureAwait(false);
        await _refresher.ConfigureAwait(false);
        _stop.Dispose();
        try
        {
            await foreach (BlobInfo info in _store.ListAsync($"{FormatConstants.LockRefreshPrefix}{_lockIdHex}/").ConfigureAwait(false))
                await _store.DeleteAsync(info.Name).ConfigureAwait(false);
            await _store.DeleteAsync(FormatConstants.LockName).ConfigureAwait(false);
        }
        catch (BlobStoreException)
        {
            // The lock stays until it goes stale and is broken; nothing else is at risk.
        }
    }
}
