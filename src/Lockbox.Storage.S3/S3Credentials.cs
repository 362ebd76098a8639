using Amazon.Runtime;
using Amazon.Runtime.CredentialManagement;
using Lockbox.Repository.Storage;

namespace Lockbox.Storage.S3;

/// <summary>
/// Picks the credentials of an S3 store as the AWS tools do: static keys when given; else the named profile (read now,
/// so a wrong name is one line at open); else null, which leaves the AWS SDK's default chain to find them at the first
/// request (environment, the default profile, SSO, web identity, container and instance roles).
/// </summary>
internal static class S3Credentials
{
    /// <summary>Where the default chain looks, for the line that says it found nothing.</summary>
    internal const string ChainPlaces =
        "AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY, the profile AWS_PROFILE names (or 'default') in ~/.aws/credentials and ~/.aws/config (SSO included), AWS_WEB_IDENTITY_TOKEN_FILE, and the container or EC2 instance role";

    /// <exception cref="BlobStoreException">The named profile does not exist or holds no usable credentials.</exception>
    public static AWSCredentials? Resolve(S3StoreOptions options)
    {
        if (options.AccessKeyId is { } id && options.SecretAccessKey is { } secret)
        {
            return options.SessionToken is null
                ? new BasicAWSCredentials(id, secret)
                : new SessionAWSCredentials(id, secret, options.SessionToken);
        }
        if (options.Profile is null && options.SharedCredentialsFile is null)
        {
            return null;
        }
        var profile = options.Profile ?? "default";
        var file = options.SharedCredentialsFile;
        var chain = file is null ? new CredentialProfileStoreChain() : new CredentialProfileStoreChain(file);
        try
        {
            if (chain.TryGetAWSCredentials(profile, out var credentials))
            {
                return credentials;
            }
        }
        catch (Exception e) when (e is AmazonClientException or IOException or UnauthorizedAccessException or InvalidDataException or ArgumentException)
        {
            throw new BlobStoreException($"No S3 credentials for s3://{options.Bucket}: the profile '{profile}' in {Where(file)} is unusable: {S3Errors.FirstLine(e.Message)}");
        }
        throw new BlobStoreException($"No S3 credentials for s3://{options.Bucket}: no profile '{profile}' with credentials in {Where(file)}.");
    }

    private static string Where(string? file) =>
        file is null ? "~/.aws/credentials or ~/.aws/config" : $"{file} (AWS_SHARED_CREDENTIALS_FILE)";
}
