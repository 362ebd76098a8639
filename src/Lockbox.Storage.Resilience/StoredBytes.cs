using Lockbox.Repository.Storage;

namespace Lockbox.Storage.Resilience;

/// <summary>The check a retried create makes when its earlier attempt may have written the object and lost only the answer.</summary>
internal static class StoredBytes
{
    /// <summary>Whether <paramref name="name"/> holds exactly <paramref name="data"/> (a put whose answer was lost).</summary>
    public static async Task<bool> HoldsAsync(IBlobStore store, string name, ReadOnlyMemory<byte> data, CancellationToken cancellationToken)
    {
        try
        {
            var existing = await store.GetAsync(name, cancellationToken).ConfigureAwait(false);
            return existing.AsSpan().SequenceEqual(data.Span);
        }
        catch (BlobNotFoundException)
        {
            return false;
        }
    }
}
