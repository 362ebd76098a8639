using System.Net;
using System.Net.Sockets;
using Amazon.Runtime;
using Amazon.S3;
using Lockbox.Repository.Storage;
using Lockbox.Storage.Resilience;

namespace Lockbox.Storage.S3;

/// <summary>
/// Turns what the AWS SDK throws into the store contract's exceptions: a missing key into
/// <see cref="BlobNotFoundException"/>, what may pass on a retry into
/// <see cref="TransientBlobStoreException"/>, the rest into one line for the user. Messages name
/// the bucket and endpoint, never a credential.
/// </summary>
internal sealed class S3Errors
{
    private readonly string _where;
    private readonly string _bucket;
    private readonly string _check;

    public S3Errors(S3StoreOptions options)
    {
        _bucket = options.Bucket;
        _check = options.AccessKeyId is not null ? "check AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY"
            : options.Profile is not null || options.SharedCredentialsFile is not null ? $"check the profile '{options.Profile ?? "default"}'"
            : "check the credentials the AWS default chain found (AWS_PROFILE, ~/.aws, role)";
        _where = options.Endpoint is null
            ? $"S3 ({options.Region ?? "us-east-1"})"
            : $"S3 endpoint {options.Endpoint.GetLeftPart(UriPartial.Authority)}";
    }

    public Exception Map(Exception e, string? name)
    {
        if (e is BlobStoreException or OperationCanceledException)
        {
            return e;
        }
        if (e is AmazonS3Exception s3)
        {
            return MapService(s3, (int)s3.StatusCode, s3.ErrorCode, name);
        }
        if (e is AmazonServiceException service && service.StatusCode != 0)
        {
            return MapService(service, (int)service.StatusCode, service.ErrorCode, name);
        }
        if (e is AmazonClientException && e.Message.Contains("resolve AWS credentials", StringComparison.OrdinalIgnoreCase))
        {
            return new BlobStoreException($"No S3 credentials for s3://{_bucket}: looked in {S3Credentials.ChainPlaces}.", e);
        }
        if (e is AmazonClientException && e.Message.StartsWith("Expected hash", StringComparison.Ordinal))
        {
            // The SDK checked the body against its MD5 ETag and it differed: damaged in transit, or
            // read while a non-atomic server (s3rver) was still writing it. Reading again may succeed.
            return new TransientBlobStoreException($"A download from {_where} did not match its checksum.", e);
        }
        if (FindNetworkCause(e) is { } network)
        {
            return new TransientBlobStoreException($"Cannot reach {_where}: {FirstLine(network.Message)}", e);
        }
        if (e is IOException)
        {
            return new TransientBlobStoreException($"The connection to {_where} broke: {FirstLine(e.Message)}", e);
        }
        return new BlobStoreException($"{_where} request failed: {FirstLine(e.Message)}", e);
    }

    private Exception MapService(Exception e, int status, string? code, string? name)
    {
        switch (code)
        {
            case "NoSuchBucket":
                return new BlobStoreException($"The bucket '{_bucket}' does not exist at {_where}.", e);
            case "NoSuchKey" when name is not null:
                return new BlobNotFoundException(name);
            case "InvalidAccessKeyId" or "SignatureDoesNotMatch" or "InvalidToken" or "ExpiredToken" or "AccessDenied" or "AllAccessDisabled":
                return new BlobStoreException($"{_where} refused the credentials for bucket '{_bucket}' ({code}): {_check}.", e);
            case "PermanentRedirect" or "AuthorizationHeaderMalformed" or "IllegalLocationConstraintException":
                return new BlobStoreException($"The bucket '{_bucket}' is in another region than {_where} ({code}): set AWS_REGION.", e);
            case "SlowDown" or "RequestTimeout" or "RequestTimeTooSkewed" or "InternalError" or "ServiceUnavailable" or "Throttling" or "ThrottlingException":
                return new TransientBlobStoreException($"{_where} answered {status} {code}.", e);
            default:
                break;
        }
        if (status == 404 && name is not null)
        {
            return new BlobNotFoundException(name);
        }
        if (status == 403)
        {
            return new BlobStoreException($"{_where} denied access to bucket '{_bucket}': {_check}.", e);
        }
        if (status is >= 500 or 429 or 408)
        {
            return new TransientBlobStoreException($"{_where} answered {status} {code}.", e);
        }
        return new BlobStoreException($"{_where} refused a request on bucket '{_bucket}': {status} {code}.", e);
    }

    private static Exception? FindNetworkCause(Exception e)
    {
        for (Exception? x = e; x is not null; x = x.InnerException)
        {
            if (x is SocketException or HttpRequestException or WebException)
            {
                return x.InnerException is SocketException socket ? socket : x;
            }
        }
        return null;
    }

    internal static string FirstLine(string message)
    {
        var end = message.AsSpan().IndexOfAny('\r', '\n');
        return end < 0 ? message : message[..end];
    }
}
