using Amazon.S3;
using Amazon.S3.Model;
using Azure.Storage.Blobs;
using Lockbox.Storage.Azure;
using Lockbox.Storage.Resilience;
using Lockbox.Storage.S3;

namespace Lockbox.Storage.Tests;

/// <summary>
/// The real servers the ./test script starts on loopback (s3rver, Azurite), and stores on fresh
/// buckets and containers in them. A missing variable fails the test: these tests never skip.
/// </summary>
internal static class TestServers
{
    /// <summary>s3rver's one built-in key pair (it checks the key id and the signature).</summary>
    public const string S3AccessKey = "S3RVER";
    public const string S3SecretKey = "S3RVER";

    /// <summary>Fast retries for tests: the same code paths, shorter waits.</summary>
    public static ResilienceOptions FastRetries { get; } = new()
    {
        MaxAttempts = 6,
        BaseDelay = TimeSpan.FromMilliseconds(5),
        MaxDelay = TimeSpan.FromMilliseconds(50),
        MaxParallelism = 8,
    };

    public static Uri S3Endpoint => new(Require("LOCKBOX_TEST_S3_ENDPOINT"));

    public static string AzureConnectionString => Require("LOCKBOX_TEST_AZURE_CONNECTION_STRING");

    /// <summary>A fresh bucket or container name (valid for both S3 and Azure).</summary>
    public static string NewName(string kind) => $"lockbox-{kind}-{Guid.NewGuid():N}";

    public static S3StoreOptions S3Options(string bucket, string prefix) => new(bucket, prefix, S3AccessKey, S3SecretKey)
    {
        Endpoint = S3Endpoint,
        Resilience = FastRetries,
        // Small parts, so a few MiB already exercise multipart; s3rver does not enforce 5 MiB.
        MultipartThreshold = 3 * 1024 * 1024,
        PartSize = 1024 * 1024,
        AllowSmallParts = true,
    };

    public static AzureStoreOptions AzureOptions(string container, string prefix) => new(container, prefix, AzureConnectionString)
    {
        Resilience = FastRetries,
        SingleUploadThreshold = 3 * 1024 * 1024,
        BlockSize = 1024 * 1024,
    };

    public static async Task CreateBucketAsync(string bucket)
    {
        using var client = new AmazonS3Client(S3AccessKey, S3SecretKey, new AmazonS3Config { ServiceURL = S3Endpoint.ToString(), ForcePathStyle = true, AuthenticationRegion = "us-east-1" });
        await client.PutBucketAsync(new PutBucketRequest { BucketName = bucket });
    }

    public static async Task CreateContainerAsync(string container) =>
        await new BlobContainerClient(AzureConnectionString, container).CreateAsync();

    public static async Task DeleteContainerAsync(string container) =>
        await new BlobContainerClient(AzureConnectionString, container).DeleteIfExistsAsync();

    private static string Require(string variable) =>
        Environment.GetEnvironmentVariable(variable) is { Length: > 0 } value
            ? value
            : throw new InvalidOperationException($"{variable} is not set: run these tests with ./test (it starts s3rver and Azurite and sets it).");
}
