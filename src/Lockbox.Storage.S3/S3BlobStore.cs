using System.Net;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using Amazon;
using Amazon.Runtime;
using Amazon.S3;
using Amazon.S3.Model;
using Lockbox.Repository.Storage;
using Lockbox.Storage.Resilience;

namespace Lockbox.Storage.S3;

/// <summary>
/// A repository in an S3 bucket (AWS or any S3-compatible server), under an optional prefix.
/// </summary>
/// <remarks>
/// <para>Atomicity: S3 makes an object visible only when its PUT (or the completion of its
/// multipart upload) succeeds, so readers never see part of one; an interrupted multipart upload
/// leaves only invisible parts, which are aborted (and should be expired by a bucket lifecycle
/// rule, since a crash cannot abort them).</para>
/// <para>Put-if-absent: the object is first looked up (HEAD), then written with
/// <c>If-None-Match: *</c>. AWS S3 honours that header (since 2024) and answers 412 to the loser of
/// a race, so creation is exclusive there. Servers that ignore it (s3rver, older gateways) are
/// left with check-then-put: two writers racing on one name may both succeed and the last one
/// wins, whole. Lockbox copes: packs and index files are named by the hash of their content, so
/// racing writers write the same bytes; snapshot names carry a random part.</para>
/// </remarks>
public sealed class S3BlobStore : IBlobStore, IDisposable
{
    private readonly AmazonS3Client _client;
    private readonly S3StoreOptions _options;
    private readonly S3Errors _errors;
    private readonly string _keyPrefix;

    public S3BlobStore(S3StoreOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        _options = options;
        _errors = new S3Errors(options);
        _keyPrefix = options.Prefix.Length == 0 ? "" : options.Prefix + "/";
        Resilience = new StoreResilience(options.Resilience);

        var config = new AmazonS3Config
        {
            MaxErrorRetry = 0, // StoreResilience retries, with jitter, per request
            Timeout = options.Resilience.AttemptTimeout,
            IgnoreConfiguredEndpointUrls = true, // the endpoint comes from S3StoreOptions only
            RequestChecksumCalculation = RequestChecksumCalculation.WHEN_REQUIRED,
            ResponseChecksumValidation = ResponseChecksumValidation.WHEN_REQUIRED,
        };
        if (options.Endpoint is { } endpoint)
        {
            config.ServiceURL = endpoint.ToString();
            config.ForcePathStyle = true;
            config.AuthenticationRegion = options.Region ?? "us-east-1";
        }
        else
        {
            config.RegionEndpoint = RegionEndpoint.GetBySystemName(options.Region ?? "us-east-1");
        }
        // Bodies are copied to the connection in 64 KiB writes instead of the SDK's 8 KiB: fewer, fuller TLS records.
        config.BufferSize = CopyBufferSize;
        config.HttpClientFactory = new S3HttpClientFactory(options.HttpHandlerFactory);
        // Without static keys or a profile, the SDK's default chain finds the credentials at the first request.
        _client = S3Credentials.Resolve(options) is { } credentials
            ? new AmazonS3Client(credentials, config)
            : new AmazonS3Client(config);
    }

    /// <summary>The SDK's copy buffer between a request body and the connection.</summary>
    private const int CopyBufferSize = 64 * 1024;

    /// <summary>Whole-object reads into a buffer at least this long are sent as a range (see <see cref="ReadAsync"/>).</summary>
    private const int RangedReadMinimum = 1 << 20;

    public string Description => $"s3://{_options.Bucket}/{_options.Prefix}";

    /// <summary>The retry rules of this store and how many retries it made.</summary>
    public StoreResilience Resilience { get; }

    public async Task<bool> PutIfAbsentAsync(string name, ReadOnlyMemory<byte> data, CancellationToken cancellationToken = default)
    {
        CheckName(name);
        if (await ExistsAsync(name, cancellationToken).ConfigureAwait(false))
        {
            return false;
        }
        var upload = new S3Upload(_client, _options, _errors, Resilience, Key(name), name);
        var written = data.Length <= _options.MultipartThreshold
            ? await upload.PutAsync(data, cancellationToken).ConfigureAwait(false)
            : await upload.PutInPartsAsync(data, cancellationToken).ConfigureAwait(false);
        // An attempt whose answer was lost may have written the object: then it is ours.
        return written || (upload.HadFailedAttempt
            && await StoredBytes.HoldsAsync(this, name, data, cancellationToken).ConfigureAwait(false));
    }

    public Task<byte[]> GetAsync(string name, CancellationToken cancellationToken = default)
    {
        CheckName(name);
        return DownloadAsync(name, new GetObjectRequest { BucketName = _options.Bucket, Key = Key(name) }, cancellationToken);
    }

    public async Task<byte[]> GetRangeAsync(string name, long offset, int length, CancellationToken cancellationToken = default)
    {
        CheckName(name);
        ArgumentOutOfRangeException.ThrowIfNegative(offset);
        ArgumentOutOfRangeException.ThrowIfNegative(length);
        if (length == 0)
        {
            return await ExistsAsync(name, cancellationToken).ConfigureAwait(false) ? [] : throw new BlobNotFoundException(name);
        }
        var request = new GetObjectRequest
        {
            BucketName = _options.Bucket,
            Key = Key(name),
            ByteRange = new ByteRange(offset, offset + length - 1),
        };
        var bytes = await DownloadAsync(name, request, cancellationToken).ConfigureAwait(false);
        // A server that ignores the range (or sends more) must not hand back the wrong bytes.
        return bytes.Length <= length ? bytes : throw new BlobStoreException($"{Description} sent {bytes.Length} bytes for a {length}-byte range of '{name}'.");
    }

    public async ValueTask<int> ReadAsync(string name, Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        CheckName(name);
        // A pack-sized read is asked as the range of the buffer's length: the SDK then skips its managed MD5 of the body
        // against the ETag (the largest CPU cost of an S3 restore, docs/PERFORMANCE.md), which the engine's SHA-256 of
        // every object makes redundant; the object's full size comes back in Content-Range, so a longer object is still
        // refused. Small reads stay unranged: s3rver answers a range on an empty object with a broken response.
        var request = new GetObjectRequest { BucketName = _options.Bucket, Key = Key(name) };
        if (buffer.Length >= RangedReadMinimum) request.ByteRange = new ByteRange(0, buffer.Length - 1);
        int length = await ReadIntoAsync(name, request, buffer, cancellationToken, wholeObject: true).ConfigureAwait(false);
        return length >= 0 ? length : 0; // 416: the object is empty
    }

    public async ValueTask ReadRangeAsync(string name, long offset, Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        CheckName(name);
        ArgumentOutOfRangeException.ThrowIfNegative(offset);
        if (buffer.Length == 0)
        {
            if (!await ExistsAsync(name, cancellationToken).ConfigureAwait(false)) throw new BlobNotFoundException(name);
            return;
        }
        var request = new GetObjectRequest
        {
            BucketName = _options.Bucket,
            Key = Key(name),
            ByteRange = new ByteRange(offset, offset + buffer.Length - 1),
        };
        if (await ReadIntoAsync(name, request, buffer, cancellationToken).ConfigureAwait(false) != buffer.Length)
            throw BlobSizeException.EndsEarly(name, offset, buffer.Length);
    }

    public async IAsyncEnumerable<BlobInfo> ListAsync(string prefix, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(prefix);
        string? continuation = null;
        do
        {
            var request = new ListObjectsV2Request
            {
                BucketName = _options.Bucket,
                Prefix = _keyPrefix + prefix,
                MaxKeys = 1000,
                ContinuationToken = continuation,
            };
            var page = await Resilience.ExecuteAsync($"listing of {Description}", async ct =>
            {
                try
                {
                    return await _client.ListObjectsV2Async(request, ct).ConfigureAwait(false);
                }
                catch (Exception e) when (e is not BlobStoreException)
                {
                    throw _errors.Map(e, null);
                }
            }, cancellationToken).ConfigureAwait(false);
            foreach (var item in page.S3Objects ?? []) // null, not empty, when nothing matches
            {
                yield return new BlobInfo(item.Key[_keyPrefix.Length..], item.Size ?? 0);
            }
            continuation = page.IsTruncated == true ? page.NextContinuationToken : null;
        }
        while (continuation is not null);
    }

    public Task DeleteAsync(string name, CancellationToken cancellationToken = default)
    {
        CheckName(name);
        return Resilience.ExecuteAsync($"deletion of {name}", async ct =>
        {
            try
            {
                await _client.DeleteObjectAsync(_options.Bucket, Key(name), ct).ConfigureAwait(false);
                return true;
            }
            catch (AmazonS3Exception e) when (e.StatusCode == HttpStatusCode.NotFound && e.ErrorCode != "NoSuchBucket")
            {
                return true;
            }
            catch (Exception e) when (e is not BlobStoreException)
            {
                throw _errors.Map(e, null);
            }
        }, cancellationToken);
    }

    public void Dispose()
    {
        _client.Dispose();
        Resilience.Dispose();
    }

    public override string ToString() => Description;

    private async Task<bool> ExistsAsync(string name, CancellationToken cancellationToken) =>
        await Resilience.ExecuteAsync($"lookup of {name}", async ct =>
        {
            try
            {
                await _client.GetObjectMetadataAsync(_options.Bucket, Key(name), ct).ConfigureAwait(false);
                return true;
            }
            catch (AmazonS3Exception e) when (e.StatusCode == HttpStatusCode.NotFound && e.ErrorCode != "NoSuchBucket")
            {
                return false; // a HEAD has no body: a missing bucket shows up on the next request
            }
            catch (Exception e) when (e is not BlobStoreException)
            {
                throw _errors.Map(e, name);
            }
        }, cancellationToken).ConfigureAwait(false);

    private async Task<byte[]> DownloadAsync(string name, GetObjectRequest request, CancellationToken cancellationToken)
    {
        var received = await Resilience.ExecuteAsync($"download of {name}", async ct =>
        {
            byte[] bytes;
            try
            {
                using var response = await _client.GetObjectAsync(request, ct).ConfigureAwait(false);
                bytes = new byte[checked((int)response.ContentLength)];
                // A connection dropped mid-body ends the stream early: EndOfStreamException, retried.
                await response.ResponseStream.ReadExactlyAsync(bytes, ct).ConfigureAwait(false);
            }
            catch (AmazonS3Exception e) when ((int)e.StatusCode == 416)
            {
                return []; // the range starts at or past the end of an existing object
            }
            catch (Exception e) when (e is not BlobStoreException)
            {
                throw _errors.Map(e, name);
            }
            return bytes;
        }, cancellationToken).ConfigureAwait(false);
        // Booked after the fact, outside the attempt's timeout: the size is known only now.
        await Resilience.ThrottleAsync(received.Length, cancellationToken).ConfigureAwait(false);
        return received;
    }

    /// <summary>
    /// Reads a response body straight into <paramref name="buffer"/> (no array of its own); returns its length, or -1
    /// when the range starts at or past the end of the object (416). A body longer than the buffer is refused before
    /// it is read: a whole object too large for it, or a range the server did not honour.
    /// </summary>
    private async Task<int> ReadIntoAsync(string name, GetObjectRequest request, Memory<byte> buffer, CancellationToken cancellationToken, bool wholeObject = false)
    {
        int received = await Resilience.ExecuteAsync($"download of {name}", async ct =>
        {
            try
            {
                using var response = await _client.GetObjectAsync(request, ct).ConfigureAwait(false);
                if (wholeObject && ObjectSize(response) > buffer.Length) throw BlobSizeException.TooLarge(name, buffer.Length);
                if (response.ContentLength > buffer.Length)
                {
                    throw new BlobStoreException($"{Description} sent {response.ContentLength} bytes for a {buffer.Length}-byte range of '{name}'.");
                }
                int length = (int)response.ContentLength;
                // A connection dropped mid-body ends the stream early: EndOfStreamException, retried.
                await response.ResponseStream.ReadExactlyAsync(buffer[..length], ct).ConfigureAwait(false);
                return length;
            }
            catch (AmazonS3Exception e) when ((int)e.StatusCode == 416)
            {
                return -1;
            }
            catch (Exception e) when (e is not BlobStoreException)
            {
                throw _errors.Map(e, name);
            }
        }, cancellationToken).ConfigureAwait(false);
        await Resilience.ThrottleAsync(Math.Max(received, 0), cancellationToken).ConfigureAwait(false);
        return received;
    }

    /// <summary>The whole object's size: the total of a 206's Content-Range ("bytes 0-99/5000"), else the body's length.</summary>
    private static long ObjectSize(GetObjectResponse response)
    {
        string? range = response.ContentRange;
        int slash = range?.LastIndexOf('/') ?? -1;
        return slash >= 0 && long.TryParse(range.AsSpan(slash + 1), System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out long total)
            ? total
            : response.ContentLength;
    }

    private string Key(string name) => _keyPrefix + name;

    private static void CheckName(string name)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
    }

    internal static MemoryStream AsStream(ReadOnlyMemory<byte> data) =>
        MemoryMarshal.TryGetArray(data, out var segment) && segment.Array is not null
            ? new MemoryStream(segment.Array, segment.Offset, segment.Count, writable: false)
            : new MemoryStream(data.ToArray(), writable: false);

}
