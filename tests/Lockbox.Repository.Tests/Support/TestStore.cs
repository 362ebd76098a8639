using System.Collections.Concurrent;
using System.Runtime.CompilerServices;
using Lockbox.Repository.Storage;

namespace Lockbox.Repository.Tests.Support;

/// <summary>
/// Wraps a real store: counts writes by prefix, can cancel a backup after N pack writes, can hide objects
/// (a store that rolls back), can fail writes (a full disk), and counts reads per object.
/// </summary>
internal sealed class TestStore(IBlobStore inner) : IBlobStore
{
    private readonly ConcurrentDictionary<string, int> _puts = new();
    private readonly ConcurrentDictionary<string, int> _reads = new();
    public ConcurrentBag<string> Written { get; } = [];
    public HashSet<string> Hidden { get; } = [];
    public int CancelAfterPackPuts { get; set; } = -1;
    public CancellationTokenSource? CancelSource { get; set; }
    public bool FailDataWrites { get; set; }
    private int _packPuts;

    public string Description => inner.Description;

    public int Puts(string prefix) => _puts.Where(kv => kv.Key == prefix).Sum(kv => kv.Value);

    /// <summary>Reads (whole or ranged) of each object since the last <see cref="ResetCounts"/>.</summary>
    public IReadOnlyDictionary<string, int> Reads => _reads;

    public void ResetCounts()
    {
        _puts.Clear();
        _reads.Clear();
        Written.Clear();
        _packPuts = 0;
    }

    public async Task<bool> PutIfAbsentAsync(string name, ReadOnlyMemory<byte> data, CancellationToken cancellationToken = default)
    {
        string prefix = name.Contains('/') ? name[..(name.IndexOf('/') + 1)] : name;
        if (FailDataWrites && prefix == "data/") throw new BlobStoreException("Cannot write to the test store: the disk is full.");
        bool written = await inner.PutIfAbsentAsync(name, data, cancellationToken).ConfigureAwait(false);
        if (written)
        {
            _puts.AddOrUpdate(prefix, 1, (_, n) => n + 1);
            Written.Add(name);
            if (prefix == "data/" && Interlocked.Increment(ref _packPuts) == CancelAfterPackPuts) CancelSource?.Cancel();
        }
        return written;
    }

    public Task<byte[]> GetAsync(string name, CancellationToken cancellationToken = default)
    {
        _reads.AddOrUpdate(name, 1, (_, n) => n + 1);
        return Hidden.Contains(name) ? throw new BlobNotFoundException(name) : inner.GetAsync(name, cancellationToken);
    }

    public Task<byte[]> GetRangeAsync(string name, long offset, int length, CancellationToken cancellationToken = default)
    {
        _reads.AddOrUpdate(name, 1, (_, n) => n + 1);
        return Hidden.Contains(name) ? throw new BlobNotFoundException(name) : inner.GetRangeAsync(name, offset, length, cancellationToken);
    }

    public async IAsyncEnumerable<BlobInfo> ListAsync(string prefix, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        await foreach (BlobInfo info in inner.ListAsync(prefix, cancellationToken).ConfigureAwait(false))
            if (!Hidden.Contains(info.Name)) yield return info;
    }

    public Task DeleteAsync(string name, CancellationToken cancellationToken = default) => inner.DeleteAsync(name, cancellationToken);
}
