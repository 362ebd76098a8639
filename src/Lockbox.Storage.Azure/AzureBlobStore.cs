using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using Azure;
using Azure.Core.Pipeline;
using Azure.Identity;
using Azure.Storage.Blobs;
using Azure.Storage.Blobs.Models;
using Azure.Storage.Blobs.Specialized;
using Lockbox.Repository.Storage;
using Lockbox.Storage.Resilience;
using BlobInfo = Lockbox.Repository.Storage.BlobInfo;

namespace Lockbox.Storage.Azure;

/// <summary>
/// A repository in an Azure Blob Storage container (or Azurite), under an optional prefix.
/// </summary>
/// <remarks>
/// Atomicity: a blob appears only when its Put Blob or Put Block List succeeds, and both carry
/// <c>If-None-Match: *</c>, which Azure enforces: of two writers racing on a name exactly one
/// creates it, the other is told it exists. Large objects are staged as blocks (uncommitted blocks
/// are invisible and expire after a week) whose ids carry a random per-upload tag, so two uploads
/// of one name never mix each other's blocks.
/// </remarks>
public sealed class AzureBlobStore : IBlobStore, IDisposable
{
    private readonly AzureStoreOptions _options;
    private readonly BlobContainerClient _container;
    private readonly AzureErrors _errors;
    private readonly string _keyPrefix;

    public AzureBlobStore(AzureStoreOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        _options = options;
        _keyPrefix = options.Prefix.Length == 0 ? "" : options.Prefix + "/";
        Resilience = new StoreResilience(options.Resilience);

        var clientOptions = new BlobClientOptions();
        clientOptions.Retry.MaxRetries = 0; // StoreResilience retries, with jitter, per request
        clientOptions.Retry.NetworkTimeout = options.Resilience.AttemptTimeout;
        if (options.HttpHandlerFactory is { } handler)
        {
            clientOptions.Transport = new HttpClientTransport(handler());
        }
        var service = CreateService(options, clientOptions);
        _container = service.GetBlobContainerClient(options.Container);
        _errors = new AzureErrors(service.AccountName, service.Uri.GetLeftPart(UriPartial.Authority), options.Container, options.Authentication);
    }

    /// <summary>How this store authenticates (tests check that an https account URL without a SAS signs in).</summary>
    internal AzureAuthentication Authentication => _options.Authentication;

    private static BlobServiceClient CreateService(AzureStoreOptions options, BlobClientOptions clientOptions)
    {
        switch (options.Authentication)
        {
            case AzureAuthentication.SharedAccessSignature:
                return new BlobServiceClient(options.AccountUrl!, clientOptions);
            case AzureAuthentication.DefaultAzureCredential:
                // Environment, workload identity, managed identity, then the developer's sign-in (Azure CLI, ...);
                // it is asked for a token at the first request.
                return new BlobServiceClient(options.AccountUrl!, new DefaultAzureCredential(), clientOptions);
            default:
                try
                {
                    return new BlobServiceClient(options.ConnectionString, clientOptions);
                }
                catch (Exception e) when (e is FormatException or ArgumentException or InvalidOperationException)
                {
                    // The SDK's message may quote the string, key included: say only what is wrong.
                    throw new BlobStoreException("AZURE_STORAGE_CONNECTION_STRING is not a valid Azure Storage connection string.");
                }
        }
    }

    /// <summary>Stops the bandwidth limit's refill timer.</summary>
    public void Dispose() => Resilience.Dispose();

    public string Description => $"azure://{_options.Container}/{_options.Prefix}";

    /// <summary>The retry rules of this store and how many retries it made.</summary>
    public StoreResilience Resilience { get; }

    public async Task<bool> PutIfAbsentAsync(string name, ReadOnlyMemory<byte> data, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        var upload = new AzureUpload(_container.GetBlockBlobClient(Key(name)), _options, _errors, Resilience, name);
        bool written;
        if (data.Length <= _options.SingleUploadThreshold)
        {
            written = await upload.PutAsync(data, cancellationToken).ConfigureAwait(false);
        }
        else
        {
            // The commit would refuse an existing name anyway; looking first saves sending the blocks.
            written = !await ExistsAsync(name, cancellationToken).ConfigureAwait(false)
                && await upload.PutInBlocksAsync(data, cancellationToken).ConfigureAwait(false);
        }
        // An attempt whose answer was lost may have written the object: then it is ours.
        return written || (upload.HadFailedAttempt
            && await StoredBytes.HoldsAsync(this, name, data, cancellationToken).ConfigureAwait(false));
    }

    public Task<byte[]> GetAsync(string name, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        return DownloadAsync(name, default, cancellationToken);
    }

    public async Task<byte[]> GetRangeAsync(string name, long offset, int length, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        ArgumentOutOfRangeException.ThrowIfNegative(offset);
        ArgumentOutOfRangeException.ThrowIfNegative(length);
        if (length == 0)
        {
            return await ExistsAsync(name, cancellationToken).ConfigureAwait(false) ? [] : throw new BlobNotFoundException(name);
        }
        var bytes = await DownloadAsync(name, new HttpRange(offset, length), cancellationToken).ConfigureAwait(false);
        return bytes.Length <= length ? bytes : throw new BlobStoreException($"{Description} sent {bytes.Length} bytes for a {length}-byte range of '{name}'.");
    }

    public async ValueTask<int> ReadAsync(string name, Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        int length = await ReadIntoAsync(name, default, buffer, cancellationToken).ConfigureAwait(false);
        return length >= 0 ? length : 0; // 416 cannot answer a request without a range
    }

    public async ValueTask ReadRangeAsync(string name, long offset, Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        ArgumentOutOfRangeException.ThrowIfNegative(offset);
        if (buffer.Length == 0)
        {
            if (!await ExistsAsync(name, cancellationToken).ConfigureAwait(false)) throw new BlobNotFoundException(name);
            return;
        }
        if (await ReadIntoAsync(name, new HttpRange(offset, buffer.Length), buffer, cancellationToken).ConfigureAwait(false) != buffer.Length)
            throw BlobSizeException.EndsEarly(name, offset, buffer.Length);
    }

    public async IAsyncEnumerable<BlobInfo> ListAsync(string prefix, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(prefix);
        var request = new GetBlobsOptions { Prefix = _keyPrefix + prefix };
        string? continuation = null;
        do
        {
            var page = await Resilience.ExecuteAsync($"listing of {Description}", async ct =>
            {
                try
                {
                    var pages = _container.GetBlobsAsync(request, ct).AsPages(continuation, 1000);
                    await foreach (var first in pages.ConfigureAwait(false))
                    {
                        return first; // one page per request, so a retry repeats only that page
                    }
                    return null;
                }
                catch (Exception e) when (e is not BlobStoreException)
                {
                    throw _errors.Map(e, null);
                }
            }, cancellationToken).ConfigureAwait(false);
            if (page is null)
            {
                yield break;
            }
            foreach (var item in page.Values)
            {
                yield return new BlobInfo(item.Name[_keyPrefix.Length..], item.Properties.ContentLength ?? 0);
            }
            continuation = string.IsNullOrEmpty(page.ContinuationToken) ? null : page.ContinuationToken;
        }
        while (continuation is not null);
    }

    public Task DeleteAsync(string name, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        return Resilience.ExecuteAsync($"deletion of {name}", async ct =>
        {
            try
            {
                return (await _container.GetBlobClient(Key(name)).DeleteIfExistsAsync(cancellationToken: ct).ConfigureAwait(false)).Value;
            }
            catch (Exception e) when (e is not BlobStoreException)
            {
                throw _errors.Map(e, null);
            }
        }, cancellationToken);
    }

    public override string ToString() => Description;

    private Task<bool> ExistsAsync(string name, CancellationToken cancellationToken) =>
        Resilience.ExecuteAsync($"lookup of {name}", async ct =>
        {
            try
            {
                return (await _container.GetBlobClient(Key(name)).ExistsAsync(ct).ConfigureAwait(false)).Value;
            }
            catch (Exception e) when (e is not BlobStoreException)
            {
                throw _errors.Map(e, name);
            }
        }, cancellationToken);

    private async Task<byte[]> DownloadAsync(string name, HttpRange range, CancellationToken cancellationToken)
    {
        var received = await Resilience.ExecuteAsync($"download of {name}", async ct =>
        {
            byte[] bytes;
            try
            {
                var response = await _container.GetBlobClient(Key(name))
                    .DownloadStreamingAsync(new BlobDownloadOptions { Range = range }, ct).ConfigureAwait(false);
                using var result = response.Value;
                bytes = new byte[checked((int)result.Details.ContentLength)];
                // A connection dropped mid-body ends the stream early: EndOfStreamException, retried.
                await result.Content.ReadExactlyAsync(bytes, ct).ConfigureAwait(false);
            }
            catch (RequestFailedException e) when (e.Status == 416)
            {
                return []; // the range starts at or past the end of an existing blob
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
    /// when the range starts at or past the end of the blob (416). A body longer than the buffer is refused before it
    /// is read: a whole blob too large for it, or a range the server did not honour.
    /// </summary>
    private async Task<int> ReadIntoAsync(string name, HttpRange range, Memory<byte> buffer, CancellationToken cancellationToken)
    {
        int received = await Resilience.ExecuteAsync($"download of {name}", async ct =>
        {
            try
            {
                var response = await _container.GetBlobClient(Key(name))
                    .DownloadStreamingAsync(new BlobDownloadOptions { Range = range }, ct).ConfigureAwait(false);
                using var result = response.Value;
                long length = result.Details.ContentLength;
                if (length > buffer.Length)
                {
                    throw range.Length is null
                        ? BlobSizeException.TooLarge(name, buffer.Length)
                        : new BlobStoreException($"{Description} sent {length} bytes for a {buffer.Length}-byte range of '{name}'.");
                }
                // A connection dropped mid-body ends the stream early: EndOfStreamException, retried.
                await result.Content.ReadExactlyAsync(buffer[..(int)length], ct).ConfigureAwait(false);
                return (int)length;
            }
            catch (RequestFailedException e) when (e.Status == 416)
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

    private string Key(string name) => _keyPrefix + name;

    internal static MemoryStream AsStream(ReadOnlyMemory<byte> data) =>
        MemoryMarshal.TryGetArray(data, out var segment) && segment.Array is not null
            ? new MemoryStream(segment.Array, segment.Offset, segment.Count, writable: false)
            : new MemoryStream(data.ToArray(), writable: false);
}
