using Lockbox.Repository.Storage;
using Lockbox.Storage.Resilience;

namespace Lockbox.Storage.S3;

/// <summary>
/// Where an S3 repository lives and how to reach it. Build it with <see cref="FromEnvironment"/> (or register an <see cref="S3StoreFactory"/>),
/// which follows the AWS conventions: static keys in <c>AWS_ACCESS_KEY_ID</c>, <c>AWS_SECRET_ACCESS_KEY</c> and
/// <c>AWS_SESSION_TOKEN</c>; else a named profile (<c>AWS_PROFILE</c>, <c>AWS_SHARED_CREDENTIALS_FILE</c>); else the AWS
/// SDK's default credential chain (the default profile in <c>~/.aws</c>, SSO, web identity, container and instance roles);
/// <c>AWS_REGION</c> (or <c>AWS_DEFAULT_REGION</c>), and <c>AWS_ENDPOINT_URL_S3</c> / <c>AWS_ENDPOINT_URL</c> for an
/// S3-compatible server, which switches to path-style addressing. The secret never appears in <see cref="ToString"/> or in any message.
/// </summary>
public sealed record S3StoreOptions
{
    /// <summary>Objects up to this size go up in one PUT; larger ones in parts.</summary>
    public const int DefaultMultipartThreshold = 16 * 1024 * 1024;

    /// <summary>The part size of a multipart upload (S3 needs at least 5 MiB for every part but the last).</summary>
    public const int DefaultPartSize = 8 * 1024 * 1024;

    private const int MinimumPartSize = 5 * 1024 * 1024;

    public S3StoreOptions(string bucket, string prefix, string accessKeyId, string secretAccessKey)
    {
        ArgumentException.ThrowIfNullOrEmpty(bucket);
        ArgumentNullException.ThrowIfNull(prefix);
        ArgumentException.ThrowIfNullOrEmpty(accessKeyId);
        ArgumentException.ThrowIfNullOrEmpty(secretAccessKey);
        Bucket = bucket;
        Prefix = prefix.Trim('/');
        AccessKeyId = accessKeyId;
        SecretAccessKey = secretAccessKey;
    }

    /// <summary>
    /// A repository reached with the credentials the AWS ecosystem provides: the profile named by <see cref="Profile"/>
    /// (in <see cref="SharedCredentialsFile"/> when given), or else the AWS SDK's default credential chain.
    /// </summary>
    public S3StoreOptions(string bucket, string prefix)
    {
        ArgumentException.ThrowIfNullOrEmpty(bucket);
        ArgumentNullException.ThrowIfNull(prefix);
        Bucket = bucket;
        Prefix = prefix.Trim('/');
    }

    public string Bucket { get; }

    /// <summary>The folder inside the bucket, without leading or trailing slash ("" for the bucket's root).</summary>
    public string Prefix { get; }

    /// <summary>The static access key id, or null to use a profile or the AWS SDK's default credential chain.</summary>
    public string? AccessKeyId { get; }

    internal string? SecretAccessKey { get; }

    /// <summary>The profile to read credentials from (as <c>AWS_PROFILE</c>); used only without static keys.</summary>
    public string? Profile { get; init; }

    /// <summary>The shared credentials file holding <see cref="Profile"/> (as <c>AWS_SHARED_CREDENTIALS_FILE</c>; default <c>~/.aws/credentials</c>).</summary>
    public string? SharedCredentialsFile { get; init; }

    public string? SessionToken { get; init; }

    /// <summary>The AWS region; "us-east-1" when null.</summary>
    public string? Region { get; init; }

    /// <summary>An S3-compatible endpoint (MinIO, s3rver, ...); null for AWS itself. Path-style addressing is used with it.</summary>
    public Uri? Endpoint { get; init; }

    public ResilienceOptions Resilience { get; init; } = ResilienceOptions.Default;

    public int MultipartThreshold { get; init; } = DefaultMultipartThreshold;

    public int PartSize { get; init; } = DefaultPartSize;

    /// <summary>Allows parts under S3's 5 MiB minimum, for tests against servers that do not enforce it.</summary>
    internal bool AllowSmallParts { get; init; }

    /// <summary>
    /// Whether uploads go as <c>UNSIGNED-PAYLOAD</c>: over https (AWS itself, or an https endpoint), where TLS already
    /// protects the body; over plain http the SDK signs the body's SHA-256, the only integrity check it has in transit.
    /// </summary>
    internal bool SendsUnsignedPayload => Endpoint is null || Endpoint.Scheme == Uri.UriSchemeHttps;

    /// <summary>Replaces the HTTP handler, so tests can drop or fail chosen requests.</summary>
    internal Func<HttpMessageHandler>? HttpHandlerFactory { get; init; }

    /// <summary>
    /// Reads the AWS settings for a repository at <c>s3://bucket/prefix</c> from <paramref name="environment"/> (the
    /// app's configuration under the AWS variable names; the CLI passes the process environment).
    /// </summary>
    /// <exception cref="BlobStoreException">Only one of the two static keys is set, or the endpoint is not an http(s) URL.</exception>
    public static S3StoreOptions FromEnvironment(string bucket, string prefix, Func<string, string?> environment)
    {
        ArgumentNullException.ThrowIfNull(environment);
        var id = NonEmpty(environment("AWS_ACCESS_KEY_ID"));
        var secret = NonEmpty(environment("AWS_SECRET_ACCESS_KEY"));
        if ((id is null) != (secret is null))
        {
            throw new BlobStoreException($"Incomplete S3 credentials for s3://{bucket}: set both AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, or neither (to use a profile or the AWS default credential chain).");
        }
        var endpointText = NonEmpty(environment("AWS_ENDPOINT_URL_S3")) ?? NonEmpty(environment("AWS_ENDPOINT_URL"));
        Uri? endpoint = null;
        if (endpointText is not null
            && (!Uri.TryCreate(endpointText, UriKind.Absolute, out endpoint) || (endpoint.Scheme != Uri.UriSchemeHttp && endpoint.Scheme != Uri.UriSchemeHttps)))
        {
            throw new BlobStoreException("AWS_ENDPOINT_URL_S3 / AWS_ENDPOINT_URL is not an http(s) URL.");
        }
        var options = id is null || secret is null
            ? new S3StoreOptions(bucket, prefix)
            {
                Profile = NonEmpty(environment("AWS_PROFILE")),
                SharedCredentialsFile = NonEmpty(environment("AWS_SHARED_CREDENTIALS_FILE")),
            }
            : new S3StoreOptions(bucket, prefix, id, secret);
        return options with
        {
            SessionToken = id is null ? null : NonEmpty(environment("AWS_SESSION_TOKEN")),
            Region = NonEmpty(environment("AWS_REGION")) ?? NonEmpty(environment("AWS_DEFAULT_REGION")),
            Endpoint = endpoint,
        };
    }

    /// <summary>The repository's address and endpoint, never the credentials.</summary>
    public override string ToString() =>
        Endpoint is null ? $"s3://{Bucket}/{Prefix}" : $"s3://{Bucket}/{Prefix} at {Endpoint.GetLeftPart(UriPartial.Authority)}";

    internal void Validate()
    {
        Resilience.Validate();
        ArgumentOutOfRangeException.ThrowIfLessThan(PartSize, AllowSmallParts ? 1 : MinimumPartSize);
        ArgumentOutOfRangeException.ThrowIfLessThan(MultipartThreshold, 1);
    }

    private static string? NonEmpty(string? value) => string.IsNullOrWhiteSpace(value) ? null : value.Trim();
}
