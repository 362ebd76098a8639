using System.Net;
using System.Net.Sockets;
using Lockbox.Client.Stores;
using Lockbox.Storage.Azure;
using Lockbox.Storage.S3;
using Lockbox.Repository.Storage;
using Lockbox.Storage.Resilience;

namespace Lockbox.Storage.Tests.Configuration;

/// <summary>
/// A wrong address, missing or wrong credentials, a missing bucket or container, or a server that is
/// not there: each gives one clear line, names no secret, and comes back in bounded time.
/// </summary>
public sealed class BadConfigurationTests(S3Bucket bucket, AzureContainer container) : IClassFixture<S3Bucket>, IClassFixture<AzureContainer>
{
    private const string AzuriteKey = "Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==";
    private static readonly ResilienceOptions Quick = TestServers.FastRetries with { MaxAttempts = 3 };

    [Theory]
    [InlineData("ftp://host/backups", "Unknown repository address scheme 'ftp://': use a folder path, s3://bucket/prefix or azure://container/prefix.")]
    [InlineData("gs://bucket/x", "Unknown repository address scheme 'gs://': use a folder path, s3://bucket/prefix or azure://container/prefix.")]
    [InlineData("s3://", "The repository address names no bucket: expected s3://bucket/prefix.")]
    [InlineData("s3:///backups", "The repository address names no bucket: expected s3://bucket/prefix.")]
    [InlineData("azure://", "The repository address names no container: expected azure://container/prefix.")]
    [InlineData("s3://My_Bucket/x", "'My_Bucket' is not a valid bucket name: 3 to 63 lowercase letters, digits, hyphens and dots.")]
    [InlineData("azure://a--b/x", "'a--b' is not a valid container name: 3 to 63 lowercase letters, digits and hyphens.")]
    [InlineData("  ", "No repository address given: use a folder path, s3://bucket/prefix or azure://container/prefix.")]
    public void AWrongAddressIsRefusedWithOneLine(string address, string message)
    {
        var error = Assert.Throws<BlobStoreException>(() => Open(address, Quick, S3Environment()));
        Assert.Equal(message, error.Message);
    }

    [Fact]
    public void AddressesOpenTheirKindOfStore()
    {
        Assert.Equal($"s3://{bucket.Name}/team/chat", Open($"s3://{bucket.Name}/team/chat/", Quick, S3Environment()).Description);
        Assert.Equal($"azure://{container.Name}/chat", Open($"AZURE://{container.Name}/chat", Quick, AzureEnvironment()).Description);
        Assert.IsType<FolderBlobStore>(Open("/tmp/lockbox-repo", Quick, _ => null));
        Assert.IsType<FolderBlobStore>(Open("file:///tmp/lockbox-repo", Quick, _ => null));
    }

    [Fact]
    public void MissingCredentialsSayWhichVariablesToSet()
    {
        // S3 without keys or a profile falls back to the AWS default chain (CloudCredentialTests).
        var azure = Assert.Throws<BlobStoreException>(() => Open("azure://backups/x", Quick, _ => null));
        Assert.Equal("No Azure credentials for azure://backups: set AZURE_STORAGE_CONNECTION_STRING, or AZURE_STORAGE_ACCOUNT_URL (with a SAS, or signed in for DefaultAzureCredential).", azure.Message);
    }

    [Fact]
    public void AMalformedConnectionStringIsNotEchoed()
    {
        var secret = "AccountName=x;AccountKey=c2VjcmV0LWtleQ==;NotAField";
        var error = Assert.Throws<BlobStoreException>(() =>
            Open("azure://backups/x", Quick, v => v == "AZURE_STORAGE_CONNECTION_STRING" ? secret : null));
        Assert.Equal("AZURE_STORAGE_CONNECTION_STRING is not a valid Azure Storage connection string.", error.Message);
    }

    [Fact]
    public async Task AMissingBucketIsNamedNotMistakenForAMissingObject()
    {
        var store = Open("s3://lockbox-no-such-bucket/x", Quick, S3Environment());
        var endpoint = TestServers.S3Endpoint.GetLeftPart(UriPartial.Authority);
        var expected = $"The bucket 'lockbox-no-such-bucket' does not exist at S3 endpoint {endpoint}.";

        Assert.Equal(expected, (await OneLineFailureAsync(() => store.GetAsync("config"))).Message);
        Assert.Equal(expected, (await OneLineFailureAsync(() => store.PutIfAbsentAsync("config", new byte[10]))).Message);
        Assert.Equal(expected, (await OneLineFailureAsync(() => ListAsync(store))).Message);
    }

    [Fact]
    public async Task AMissingContainerIsNamedNotMistakenForAMissingObject()
    {
        var store = Open("azure://lockbox-no-such-container/x", Quick, AzureEnvironment());
        var expected = $"The container 'lockbox-no-such-container' does not exist in Azure Blob account 'devstoreaccount1' at {AzureAuthority()}.";

        Assert.Equal(expected, (await OneLineFailureAsync(() => store.GetAsync("config"))).Message);
        Assert.Equal(expected, (await OneLineFailureAsync(() => store.PutIfAbsentAsync("config", new byte[10]))).Message);
        Assert.Equal(expected, (await OneLineFailureAsync(() => ListAsync(store))).Message);
    }

    [Fact]
    public async Task WrongS3CredentialsAreReportedAsSuch()
    {
        // s3rver checks the key id (not the signature, so a wrong secret cannot be shown here).
        var store = Open($"s3://{bucket.Name}/x", Quick, S3Environment("WRONGKEYID", "wrong-secret-value"));

        var error = await OneLineFailureAsync(() => store.GetAsync("config"));

        var endpoint = TestServers.S3Endpoint.GetLeftPart(UriPartial.Authority);
        Assert.Equal($"S3 endpoint {endpoint} refused the credentials for bucket '{bucket.Name}' (InvalidAccessKeyId): check AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY.", error.Message);
        Assert.DoesNotContain("wrong-secret-value", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AWrongAzureAccountKeyIsReportedAsSuch()
    {
        var wrongKey = Convert.ToBase64String(SeededSequence.Bytes(3, 64));
        var store = Open($"azure://{container.Name}/x", Quick, AzureEnvironment(TestServers.AzureConnectionString.Replace(AzuriteKey, wrongKey, StringComparison.Ordinal)));

        var error = await OneLineFailureAsync(() => store.GetAsync("config"));

        Assert.Equal($"Azure Blob account 'devstoreaccount1' at {AzureAuthority()} refused the credentials (AuthorizationFailure): check AZURE_STORAGE_CONNECTION_STRING.", error.Message);
        Assert.DoesNotContain(wrongKey, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AnUnreachableS3EndpointGivesUpAfterItsAttempts()
    {
        var port = ClosedPort();
        var store = Open("s3://backups/x", Quick, S3Environment(endpoint: $"http://127.0.0.1:{port}"));

        var error = await OneLineFailureAsync(() => store.GetAsync("config"));

        Assert.StartsWith($"Cannot reach S3 endpoint http://127.0.0.1:{port}: ", error.Message, StringComparison.Ordinal);
        Assert.EndsWith("(gave up after 3 attempts)", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AnUnreachableAzureEndpointGivesUpAfterItsAttempts()
    {
        var port = ClosedPort();
        var connection = $"DefaultEndpointsProtocol=http;AccountName=devstoreaccount1;AccountKey={AzuriteKey};BlobEndpoint=http://127.0.0.1:{port}/devstoreaccount1;";
        var store = Open("azure://backups/x", Quick, AzureEnvironment(connection));

        var error = await OneLineFailureAsync(() => store.PutIfAbsentAsync("config", new byte[10]));

        Assert.StartsWith($"Cannot reach Azure Blob account 'devstoreaccount1' at http://127.0.0.1:{port}: ", error.Message, StringComparison.Ordinal);
        Assert.EndsWith("(gave up after 3 attempts)", error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(AzuriteKey, error.Message, StringComparison.Ordinal);
    }

    /// <summary>
    /// The registry the CLI's composition root builds: folders, then S3 and Azure reading their settings from
    /// <paramref name="settings"/>, with the tests' quick retries.
    /// </summary>
    private static IBlobStore Open(string address, ResilienceOptions rules, Func<string, string?> settings) =>
        new StoreRegistry()
            .Register(new S3StoreFactory(settings) { Rules = rules })
            .Register(new AzureStoreFactory(settings) { Rules = rules })
            .Open(address);

    [Fact]
    public void TheAppsLimitsApplyOnTopOfTheStoresRules()
    {
        var limits = new StoreLimits { BandwidthBytesPerSecond = 5_000_000, MaxParallelism = 2 };
        ResilienceOptions applied = Quick.Within(limits);
        Assert.Equal(5_000_000, applied.BandwidthBytesPerSecond);
        Assert.Equal(2, applied.MaxParallelism);
        Assert.Equal(Quick.MaxAttempts, applied.MaxAttempts);
        Assert.Equal(Quick, Quick.Within(StoreLimits.None));
    }

    [Fact]
    public void AnAppRegistersItsOwnStoreAndEachSchemeOnce()
    {
        var registry = new StoreRegistry().Register(new S3StoreFactory(_ => null));
        Assert.Equal(["file", "s3"], registry.Schemes);
        Assert.Throws<ArgumentException>(() => registry.Register(new S3StoreFactory(_ => null)));
        var error = Assert.Throws<BlobStoreException>(() => registry.Open("azure://backups/x"));
        Assert.Equal("Unknown repository address scheme 'azure://': use a folder path or s3://bucket/prefix.", error.Message);
    }

    /// <summary>Runs a call that must fail as a plain store error (not "missing object"), in one line, within a minute.</summary>
    private static async Task<BlobStoreException> OneLineFailureAsync(Func<Task> call)
    {
        var failing = Assert.ThrowsAsync<BlobStoreException>(call);
        var finished = await Task.WhenAny(failing, Task.Delay(TimeSpan.FromMinutes(1)));
        Assert.True(finished == failing, "the call did not give up within a minute");
        var error = await failing;
        Assert.IsNotType<BlobNotFoundException>(error);
        Assert.IsNotType<TransientBlobStoreException>(error);
        Assert.DoesNotContain('\n', error.Message);
        return error;
    }

    private static async Task ListAsync(IBlobStore store)
    {
        await foreach (var _ in store.ListAsync(""))
        {
        }
    }

    private static int ClosedPort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        return port;
    }

    private static string AzureAuthority() =>
        new Uri(TestServers.AzureConnectionString.Split(';').Single(p => p.StartsWith("BlobEndpoint=", StringComparison.Ordinal))["BlobEndpoint=".Length..]).GetLeftPart(UriPartial.Authority);

    private static Func<string, string?> S3Environment(string keyId = TestServers.S3AccessKey, string secret = TestServers.S3SecretKey, string? endpoint = null)
    {
        var values = new Dictionary<string, string>
        {
            ["AWS_ACCESS_KEY_ID"] = keyId,
            ["AWS_SECRET_ACCESS_KEY"] = secret,
            ["AWS_REGION"] = "us-east-1",
            ["AWS_ENDPOINT_URL_S3"] = endpoint ?? TestServers.S3Endpoint.ToString(),
        };
        return values.GetValueOrDefault;
    }

    private static Func<string, string?> AzureEnvironment(string? connectionString = null) =>
        v => v == "AZURE_STORAGE_CONNECTION_STRING" ? connectionString ?? TestServers.AzureConnectionString : null;
}
