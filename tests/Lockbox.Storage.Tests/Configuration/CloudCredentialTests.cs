using Azure.Storage.Blobs;
using Azure.Storage.Sas;
using Lockbox.Client.Stores;
using Lockbox.Repository.Storage;
using Lockbox.Storage.Azure;
using Lockbox.Storage.Resilience;
using Lockbox.Storage.S3;

namespace Lockbox.Storage.Tests.Configuration;

/// <summary>
/// Credentials as each cloud's own tools find them: an AWS profile in a shared credentials file, the AWS default chain
/// when nothing is given, an Azure account URL with a SAS, and DefaultAzureCredential for an https account URL.
/// </summary>
public sealed class CloudCredentialTests(S3Bucket bucket, AzureContainer container) : IClassFixture<S3Bucket>, IClassFixture<AzureContainer>, IDisposable
{
    private static readonly ResilienceOptions Quick = TestServers.FastRetries with { MaxAttempts = 3 };
    private readonly TemporaryFolder _folder = new();

    public void Dispose() => _folder.Dispose();

    [Fact]
    public async Task AnAwsProfileWithTheServersKeysReadsAndWrites()
    {
        var file = CredentialsFile("[other]\naws_access_key_id = WRONG\naws_secret_access_key = WRONG\n\n[lockbox-test]\naws_access_key_id = " + TestServers.S3AccessKey + "\naws_secret_access_key = " + TestServers.S3SecretKey + "\n");
        var store = Open($"s3://{bucket.Name}/profile", S3Settings(("AWS_PROFILE", "lockbox-test"), ("AWS_SHARED_CREDENTIALS_FILE", file)));

        Assert.True(await store.PutIfAbsentAsync("config", "hello"u8.ToArray()));
        Assert.Equal("hello"u8.ToArray(), await store.GetAsync("config"));
        var names = new List<string>();
        await foreach (var blob in store.ListAsync(""))
        {
            names.Add(blob.Name);
        }
        Assert.Equal(["config"], names);
    }

    [Fact]
    public void AProfileThatIsNotInTheFileIsOneLineNamingWhereItLooked()
    {
        var file = CredentialsFile("[default]\naws_access_key_id = S3RVER\naws_secret_access_key = S3RVER\n");

        var error = Assert.Throws<BlobStoreException>(() => Open($"s3://{bucket.Name}/x", S3Settings(("AWS_PROFILE", "nope"), ("AWS_SHARED_CREDENTIALS_FILE", file))));

        Assert.Equal($"No S3 credentials for s3://{bucket.Name}: no profile 'nope' with credentials in {file} (AWS_SHARED_CREDENTIALS_FILE).", error.Message);
    }

    [Fact]
    public async Task AProfileWithAWrongKeySaysToCheckTheProfile()
    {
        var file = CredentialsFile("[stale]\naws_access_key_id = WRONGKEYID\naws_secret_access_key = wrong-secret-value\n");
        var store = Open($"s3://{bucket.Name}/x", S3Settings(("AWS_PROFILE", "stale"), ("AWS_SHARED_CREDENTIALS_FILE", file)));

        var error = await Assert.ThrowsAsync<BlobStoreException>(() => store.GetAsync("config"));

        var endpoint = TestServers.S3Endpoint.GetLeftPart(UriPartial.Authority);
        Assert.Equal($"S3 endpoint {endpoint} refused the credentials for bucket '{bucket.Name}' (InvalidAccessKeyId): check the profile 'stale'.", error.Message);
        Assert.DoesNotContain("wrong-secret-value", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void StaticKeysWinOverAProfileAndHalfAPairIsRefused()
    {
        var both = S3StoreOptions.FromEnvironment("b", "p", S3Settings(("AWS_PROFILE", "ignored")));
        Assert.Equal(TestServers.S3AccessKey, both.AccessKeyId);
        var profile = S3StoreOptions.FromEnvironment("b", "p", v => v == "AWS_PROFILE" ? "work" : null);
        Assert.Null(profile.AccessKeyId);
        Assert.Equal("work", profile.Profile);
        var chain = S3StoreOptions.FromEnvironment("b", "p", _ => null);
        Assert.Null(chain.AccessKeyId);
        Assert.Null(chain.Profile);

        var half = Assert.Throws<BlobStoreException>(() => S3StoreOptions.FromEnvironment("b", "p", v => v == "AWS_ACCESS_KEY_ID" ? "AKIA" : null));
        Assert.Equal("Incomplete S3 credentials for s3://b: set both AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, or neither (to use a profile or the AWS default credential chain).", half.Message);
    }

    [Fact]
    public async Task AnAzureAccountUrlWithASasReadsAndWrites()
    {
        var service = new BlobServiceClient(TestServers.AzureConnectionString);
        var sas = service.GenerateAccountSasUri(AccountSasPermissions.All, DateTimeOffset.UtcNow.AddHours(1), AccountSasResourceTypes.All);
        var store = Open($"azure://{container.Name}/sas", v => v == "AZURE_STORAGE_ACCOUNT_URL" ? sas.ToString() : null);
        Assert.Equal(AzureAuthentication.SharedAccessSignature, Assert.IsType<AzureBlobStore>(store).Authentication);

        Assert.True(await store.PutIfAbsentAsync("config", "hello"u8.ToArray()));
        Assert.False(await store.PutIfAbsentAsync("config", "again"u8.ToArray()));
        Assert.Equal("hello"u8.ToArray(), await store.GetAsync("config"));
    }

    [Fact]
    public async Task ASasInItsOwnVariableIsAddedToTheAccountUrlAndNeverShown()
    {
        var service = new BlobServiceClient(TestServers.AzureConnectionString);
        var readOnly = service.GenerateAccountSasUri(AccountSasPermissions.Read | AccountSasPermissions.List, DateTimeOffset.UtcNow.AddHours(1), AccountSasResourceTypes.All);
        var settings = new Dictionary<string, string>
        {
            ["AZURE_STORAGE_ACCOUNT_URL"] = readOnly.GetLeftPart(UriPartial.Path),
            ["AZURE_STORAGE_SAS_TOKEN"] = readOnly.Query,
        };
        var store = Open($"azure://{container.Name}/sas-read", settings.GetValueOrDefault);
        Assert.Equal(AzureAuthentication.SharedAccessSignature, Assert.IsType<AzureBlobStore>(store).Authentication);

        var error = await Assert.ThrowsAsync<BlobStoreException>(() => store.PutIfAbsentAsync("config", new byte[10]));

        Assert.EndsWith("check the SAS in AZURE_STORAGE_ACCOUNT_URL / AZURE_STORAGE_SAS_TOKEN (permissions, expiry).", error.Message, StringComparison.Ordinal);
        var signature = System.Web.HttpUtility.ParseQueryString(readOnly.Query)["sig"]!;
        Assert.DoesNotContain(signature, error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(Uri.EscapeDataString(signature), error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("AZURE_STORAGE_ACCOUNT_URL", "https://lockboxtest.blob.core.windows.net")]
    [InlineData("AZURE_STORAGE_ACCOUNT", "lockboxtest")]
    public void AnHttpsAccountUrlWithoutASasSignsInWithDefaultAzureCredential(string variable, string value)
    {
        var store = Assert.IsType<AzureBlobStore>(Open("azure://backups/x", v => v == variable ? value : null));

        Assert.Equal(AzureAuthentication.DefaultAzureCredential, store.Authentication);
        Assert.Equal("azure://backups/x", store.Description);
    }

    [Fact]
    public void TheConnectionStringWinsOverAnAccountUrl()
    {
        var settings = new Dictionary<string, string>
        {
            ["AZURE_STORAGE_CONNECTION_STRING"] = TestServers.AzureConnectionString,
            ["AZURE_STORAGE_ACCOUNT_URL"] = "https://lockboxtest.blob.core.windows.net",
        };
        var store = Assert.IsType<AzureBlobStore>(Open($"azure://{container.Name}/x", settings.GetValueOrDefault));
        Assert.Equal(AzureAuthentication.ConnectionString, store.Authentication);
    }

    [Theory]
    [InlineData("http://127.0.0.1:10000/devstoreaccount1", "The Azure account URL http://127.0.0.1:10000 has no SAS: signing in (DefaultAzureCredential) needs https.")]
    [InlineData("ftp://example.com/", "AZURE_STORAGE_ACCOUNT_URL is not an http(s) URL.")]
    [InlineData("not a url", "AZURE_STORAGE_ACCOUNT_URL is not an http(s) URL.")]
    public void ABadAccountUrlIsOneLine(string url, string message)
    {
        var error = Assert.Throws<BlobStoreException>(() => Open("azure://backups/x", v => v == "AZURE_STORAGE_ACCOUNT_URL" ? url : null));
        Assert.Equal(message, error.Message);
    }

    [Fact]
    public void NoAzureSettingsNamesEveryWayToGiveThem()
    {
        var error = Assert.Throws<BlobStoreException>(() => Open("azure://backups/x", _ => null));
        Assert.Equal("No Azure credentials for azure://backups: set AZURE_STORAGE_CONNECTION_STRING, or AZURE_STORAGE_ACCOUNT_URL (with a SAS, or signed in for DefaultAzureCredential).", error.Message);
    }

    private static IBlobStore Open(string address, Func<string, string?> settings) =>
        new StoreRegistry()
            .Register(new S3StoreFactory(settings) { Rules = Quick })
            .Register(new AzureStoreFactory(settings) { Rules = Quick })
            .Open(address);

    private string CredentialsFile(string text)
    {
        var path = Path.Combine(_folder.Path, "credentials-" + Guid.NewGuid().ToString("N")[..8]);
        File.WriteAllText(path, text);
        return path;
    }

    /// <summary>s3rver's endpoint, plus the given settings; static keys only when no profile is asked for.</summary>
    private static Func<string, string?> S3Settings(params (string Name, string Value)[] extra)
    {
        var values = new Dictionary<string, string>
        {
            ["AWS_REGION"] = "us-east-1",
            ["AWS_ENDPOINT_URL_S3"] = TestServers.S3Endpoint.ToString(),
        };
        if (!extra.Any(e => e.Name == "AWS_SHARED_CREDENTIALS_FILE"))
        {
            values["AWS_ACCESS_KEY_ID"] = TestServers.S3AccessKey;
            values["AWS_SECRET_ACCESS_KEY"] = TestServers.S3SecretKey;
        }
        foreach (var (name, value) in extra)
        {
            values[name] = value;
        }
        return values.GetValueOrDefault;
    }
}
