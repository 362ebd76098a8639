using System.Runtime.CompilerServices;
using Lockbox.Repository.Storage;
using Lockbox.Storage.Resilience;

namespace Lockbox.Storage.Tests.Faults;

/// <summary>
/// Wraps any store so that its <see cref="TransientBlobStoreException"/>s are retried with backoff
/// and jitter and its calls are bounded in number: the tests drive <see cref="StoreResilience"/> with it over a
/// store that injects faults. (The S3 and Azure stores run each HTTP request through StoreResilience themselves.)
/// </summary>
internal sealed class ResilientBlobStore : IBlobStore
{
    private readonly IBlobStore _inner;

    public ResilientBlobStore(IBlobStore inner, ResilienceOptions? options = null, TimeProvider? timeProvider = null)
    {
        ArgumentNullException.ThrowIfNull(inner);
        _inner = inner;
        Resilience = new StoreResilience(options ?? ResilienceOptions.Default, timeProvider);
    }

    /// <summary>The retry rules in force, and how many retries they made.</summary>
    public StoreResilience Resilience { get; }

    public string Description => _inner.Description;

    public Task<bool> PutIfAbsentAsync(string name, ReadOnlyMemory<byte> data, CancellationToken cancellationToken = default)
    {
        var failedBefore = false;
        return Resilience.ExecuteAsync($"upload of {name}", async ct =>
        {
            try
            {
                var written = await _inner.PutIfAbsentAsync(name, data, ct).ConfigureAwait(false);
                // An earlier attempt may have written the object and lost only the answer: the
                // object is then ours, and saying "it already existed" would be wrong.
                return written || (failedBefore && await StoredBytes.HoldsAsync(_inner, name, data, ct).ConfigureAwait(false));
            }
            catch (Exception e) when (e is not BlobNotFoundException)
            {
                failedBefore = true;
                throw;
            }
        }, cancellationToken);
    }

    public Task<byte[]> GetAsync(string name, CancellationToken cancellationToken = default) =>
        Resilience.ExecuteAsync($"download of {name}", ct => _inner.GetAsync(name, ct), cancellationToken);

    public Task<byte[]> GetRangeAsync(string name, long offset, int length, CancellationToken cancellationToken = default) =>
        Resilience.ExecuteAsync($"download of {name}", ct => _inner.GetRangeAsync(name, offset, length, ct), cancellationToken);

    public async IAsyncEnumerable<BlobInfo> ListAsync(string prefix, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        // A listing that fails half-way is started over, so it is collected before anything is handed out.
        var all = await Resilience.ExecuteAsync($"listing of '{prefix}'", async ct =>
        {
            var list = new List<BlobInfo>();
            await foreach (var blob in _inner.ListAsync(prefix, ct).ConfigureAwait(false))
            {
                list.Add(blob);
            }
            return list;
        }, cancellationToken).ConfigureAwait(false);
        foreach (var blob in all)
        {
            yield return blob;
        }
    }

    public Task DeleteAsync(string name, CancellationToken cancellationToken = default) =>
        Resilience.ExecuteAsync<bool>($"deletion of {name}", async ct =>
        {
            await _inner.DeleteAsync(name, ct).ConfigureAwait(false);
            return true;
        }, cancellationToken);
}
