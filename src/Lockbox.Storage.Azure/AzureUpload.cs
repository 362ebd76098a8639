using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using Azure;
using Azure.Storage.Blobs.Models;
using Azure.Storage.Blobs.Specialized;
using Lockbox.Repository.Storage;
using Lockbox.Storage.Resilience;

namespace Lockbox.Storage.Azure;

/// <summary>
/// One create-only upload of one blob: a single Put Blob, or blocks staged one by one (each
/// retried on its own, with bounded parallelism) and then committed. Both final requests carry
/// <c>If-None-Match: *</c>.
/// </summary>
internal sealed class AzureUpload(BlockBlobClient blob, AzureStoreOptions options, AzureErrors errors, StoreResilience resilience, string name)
{
    private static readonly BlobRequestConditions CreateOnly = new() { IfNoneMatch = ETag.All };
    private int _failedAttempts;

    /// <summary>Whether a request that may have created the blob failed along the way.</summary>
    public bool HadFailedAttempt => Volatile.Read(ref _failedAttempts) > 0;

    public Task<bool> PutAsync(ReadOnlyMemory<byte> data, CancellationToken cancellationToken) =>
        resilience.ExecuteAsync($"upload of {name}", async ct =>
        {
            using var content = AzureBlobStore.AsStream(data);
            return await CreateOnlyAsync(() => blob.UploadAsync(content, new BlobUploadOptions { Conditions = CreateOnly }, ct)).ConfigureAwait(false);
        }, cancellationToken, sendBytes: data.Length);

    public async Task<bool> PutInBlocksAsync(ReadOnlyMemory<byte> data, CancellationToken cancellationToken)
    {
        // Uncommitted blocks belong to the blob name, not to an upload: a random tag per upload
        // keeps a concurrent (or crashed) upload of the same name from supplying blocks to this one.
        var tag = Convert.ToHexString(RandomNumberGenerator.GetBytes(12));
        var count = (int)((data.Length + (long)options.BlockSize - 1) / options.BlockSize);
        var ids = new string[count];
        var parallel = new ParallelOptions { MaxDegreeOfParallelism = options.Resilience.MaxParallelism, CancellationToken = cancellationToken };
        await Parallel.ForEachAsync(Enumerable.Range(0, count), parallel, async (index, ct) =>
        {
            var offset = index * options.BlockSize;
            var slice = data.Slice(offset, Math.Min(options.BlockSize, data.Length - offset));
            var id = Convert.ToBase64String(Encoding.ASCII.GetBytes($"{tag}-{index.ToString("D6", CultureInfo.InvariantCulture)}"));
            await resilience.ExecuteAsync($"upload of block {index + 1} of {name}", async attempt =>
            {
                try
                {
                    using var content = AzureBlobStore.AsStream(slice);
                    await blob.StageBlockAsync(id, content, new BlockBlobStageBlockOptions(), attempt).ConfigureAwait(false);
                    return true;
                }
                catch (Exception e) when (e is not BlobStoreException)
                {
                    throw errors.Map(e, null);
                }
            }, ct, sendBytes: slice.Length).ConfigureAwait(false);
            ids[index] = id;
        }).ConfigureAwait(false);

        return await resilience.ExecuteAsync($"commit of {name}", ct =>
            CreateOnlyAsync(() => blob.CommitBlockListAsync(ids, new CommitBlockListOptions { Conditions = CreateOnly }, ct)),
            cancellationToken).ConfigureAwait(false);
    }

    private async Task<bool> CreateOnlyAsync<T>(Func<Task<T>> send)
    {
        try
        {
            await send().ConfigureAwait(false);
            return true;
        }
        catch (RequestFailedException e) when (e.Status is 409 or 412 && e.ErrorCode is "BlobAlreadyExists" or "ConditionNotMet")
        {
            return false;
        }
        catch (Exception e) when (e is not BlobStoreException)
        {
            Interlocked.Increment(ref _failedAttempts);
            throw errors.Map(e, null);
        }
    }
}
