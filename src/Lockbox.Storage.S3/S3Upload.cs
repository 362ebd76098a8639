using System.Net;
using Amazon.Runtime;
using Amazon.S3;
using Amazon.S3.Model;
using Lockbox.Repository.Storage;
using Lockbox.Storage.Resilience;

namespace Lockbox.Storage.S3;

/// <summary>
/// One create-only upload of one object: a single PUT, or a multipart upload whose parts are sent
/// (and retried) one by one with bounded parallelism, then completed. Every request carries
/// <c>If-None-Match: *</c> where S3 accepts it and <c>UseChunkEncoding = false</c> (s3rver stores
/// aws-chunked framing as content otherwise). Over https the body is sent as <c>UNSIGNED-PAYLOAD</c>: TLS protects it
/// in transit, and the SDK's SHA-256 of every byte (a second full hash of each pack, beside the engine's own) is
/// skipped (docs/STORAGE.md, "What an upload is checked by").
/// </summary>
internal sealed class S3Upload
{
    private readonly AmazonS3Client _client;
    private readonly S3StoreOptions _options;
    private readonly S3Errors _errors;
    private readonly StoreResilience _resilience;
    private readonly string _key;
    private readonly string _name;
    private readonly bool _unsignedPayload;
    private int _failedAttempts;

    public S3Upload(AmazonS3Client client, S3StoreOptions options, S3Errors errors, StoreResilience resilience, string key, string name)
    {
        _client = client;
        _options = options;
        _errors = errors;
        _resilience = resilience;
        _key = key;
        _name = name;
        _unsignedPayload = options.SendsUnsignedPayload;
    }

    /// <summary>Whether a request that may have changed the object failed along the way.</summary>
    public bool HadFailedAttempt => Volatile.Read(ref _failedAttempts) > 0;

    /// <summary>One PUT; false when the server says the name exists.</summary>
    public Task<bool> PutAsync(ReadOnlyMemory<byte> data, CancellationToken cancellationToken) =>
        _resilience.ExecuteAsync($"upload of {_name}", ct =>
        {
            var request = new PutObjectRequest
            {
                BucketName = _options.Bucket,
                Key = _key,
                InputStream = S3BlobStore.AsStream(data),
                UseChunkEncoding = false,
                DisablePayloadSigning = _unsignedPayload,
                IfNoneMatch = "*",
            };
            return CreateOnlyAsync(() => _client.PutObjectAsync(request, ct));
        }, cancellationToken, sendBytes: data.Length);

    /// <summary>A multipart upload; nothing is visible under the name until it completes.</summary>
    public async Task<bool> PutInPartsAsync(ReadOnlyMemory<byte> data, CancellationToken cancellationToken)
    {
        var start = await _resilience.ExecuteAsync($"start of the upload of {_name}", async ct =>
        {
            try
            {
                return await _client.InitiateMultipartUploadAsync(new InitiateMultipartUploadRequest { BucketName = _options.Bucket, Key = _key }, ct).ConfigureAwait(false);
            }
            catch (Exception e) when (e is not BlobStoreException)
            {
                throw _errors.Map(e, null);
            }
        }, cancellationToken).ConfigureAwait(false);

        var written = false;
        try
        {
            var parts = await UploadPartsAsync(start.UploadId, data, cancellationToken).ConfigureAwait(false);
            written = await _resilience.ExecuteAsync($"completion of the upload of {_name}", ct =>
            {
                var request = new CompleteMultipartUploadRequest
                {
                    BucketName = _options.Bucket,
                    Key = _key,
                    UploadId = start.UploadId,
                    PartETags = parts,
                    IfNoneMatch = "*",
                };
                return CreateOnlyAsync(() => _client.CompleteMultipartUploadAsync(request, ct));
            }, cancellationToken).ConfigureAwait(false);
            return written;
        }
        finally
        {
            if (!written)
            {
                await AbortAsync(start.UploadId).ConfigureAwait(false);
            }
        }
    }

    private async Task<List<PartETag>> UploadPartsAsync(string uploadId, ReadOnlyMemory<byte> data, CancellationToken cancellationToken)
    {
        var count = (int)((data.Length + (long)_options.PartSize - 1) / _options.PartSize);
        var parts = new PartETag[count];
        var parallel = new ParallelOptions { MaxDegreeOfParallelism = _options.Resilience.MaxParallelism, CancellationToken = cancellationToken };
        await Parallel.ForEachAsync(Enumerable.Range(0, count), parallel, async (index, ct) =>
        {
            var offset = index * _options.PartSize;
            var slice = data.Slice(offset, Math.Min(_options.PartSize, data.Length - offset));
            var number = index + 1;
            var response = await _resilience.ExecuteAsync($"upload of part {number} of {_name}", async attempt =>
            {
                try
                {
                    return await _client.UploadPartAsync(new UploadPartRequest
                    {
                        BucketName = _options.Bucket,
                        Key = _key,
                        UploadId = uploadId,
                        PartNumber = number,
                        PartSize = slice.Length,
                        InputStream = S3BlobStore.AsStream(slice),
                        UseChunkEncoding = false,
                        DisablePayloadSigning = _unsignedPayload,
                    }, attempt).ConfigureAwait(false);
                }
                catch (Exception e) when (e is not BlobStoreException)
                {
                    throw _errors.Map(e, null);
                }
            }, ct, sendBytes: slice.Length).ConfigureAwait(false);
            parts[index] = new PartETag(number, response.ETag);
        }).ConfigureAwait(false);
        return [.. parts];
    }

    /// <summary>Runs a create-only request: true when written, false when the name exists.</summary>
    private async Task<bool> CreateOnlyAsync<T>(Func<Task<T>> send)
    {
        try
        {
            await send().ConfigureAwait(false);
            return true;
        }
        catch (AmazonS3Exception e) when (e.StatusCode == HttpStatusCode.PreconditionFailed)
        {
            return false;
        }
        catch (AmazonS3Exception e) when (e.ErrorCode == "NoSuchUpload" && HadFailedAttempt)
        {
            return false; // completed by an attempt whose answer was lost; the caller checks the content
        }
        catch (AmazonS3Exception e) when (e.StatusCode == HttpStatusCode.Conflict)
        {
            // ConditionalRequestConflict: a racing create is in progress; S3 asks to try again.
            Interlocked.Increment(ref _failedAttempts);
            throw new TransientBlobStoreException($"A concurrent upload of '{_name}' is in progress.", e);
        }
        catch (Exception e) when (e is not BlobStoreException)
        {
            Interlocked.Increment(ref _failedAttempts);
            throw _errors.Map(e, null);
        }
    }

    private async Task AbortAsync(string uploadId)
    {
        // Best effort: a crash or a server without AbortMultipartUpload (s3rver) leaves the parts,
        // invisible, until a lifecycle rule expires them.
        try
        {
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
            await _client.AbortMultipartUploadAsync(new AbortMultipartUploadRequest { BucketName = _options.Bucket, Key = _key, UploadId = uploadId }, timeout.Token).ConfigureAwait(false);
        }
        catch (Exception e) when (e is AmazonServiceException or HttpRequestException or IOException or OperationCanceledException)
        {
            // Nothing is visible under the name either way.
        }
    }
}
