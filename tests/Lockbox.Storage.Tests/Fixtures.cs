namespace Lockbox.Storage.Tests;

/// <summary>A fresh S3 bucket on the test s3rver, for one test class.</summary>
public sealed class S3Bucket : IAsyncLifetime
{
    public string Name { get; } = TestServers.NewName("s3");

    public Task InitializeAsync() => TestServers.CreateBucketAsync(Name);

    public Task DisposeAsync() => Task.CompletedTask; // s3rver's folder goes with the test run
}

/// <summary>A fresh container on the test Azurite, for one test class.</summary>
public sealed class AzureContainer : IAsyncLifetime
{
    public string Name { get; } = TestServers.NewName("az");

    public Task InitializeAsync() => TestServers.CreateContainerAsync(Name);

    public Task DisposeAsync() => TestServers.DeleteContainerAsync(Name);
}

/// <summary>A temporary folder, removed with everything in it.</summary>
public sealed class TemporaryFolder : IDisposable
{
    public string Path { get; } = Directory.CreateTempSubdirectory("lockbox-store-").FullName;

    public void Dispose()
    {
        try
        {
            Directory.Delete(Path, recursive: true);
        }
        catch (IOException)
        {
            // best effort: the OS cleans its temp folder
        }
    }
}

/// <summary>One folder, one S3 bucket and one Azure container, for tests that run on each kind of store.</summary>
public sealed class EveryStore : IAsyncLifetime
{
    private readonly TemporaryFolder folder = new();
    private readonly S3Bucket bucket = new();
    private readonly AzureContainer container = new();

    /// <summary>The kinds, for [MemberData].</summary>
    public static TheoryData<string> Kinds => new() { "folder", "s3", "azure" };

    /// <summary>A fresh, empty store of <paramref name="kind"/>.</summary>
    public Repository.Storage.IBlobStore Create(string kind, Lockbox.Storage.Resilience.ResilienceOptions? resilience = null)
    {
        var prefix = "r" + Guid.NewGuid().ToString("N")[..12];
        return kind switch
        {
            "folder" => new Repository.Storage.FolderBlobStore(System.IO.Path.Combine(folder.Path, prefix)),
            "s3" => new S3.S3BlobStore(TestServers.S3Options(bucket.Name, prefix) with { Resilience = resilience ?? TestServers.FastRetries }),
            "azure" => new Azure.AzureBlobStore(TestServers.AzureOptions(container.Name, prefix) with { Resilience = resilience ?? TestServers.FastRetries }),
            _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, "folder, s3 or azure"),
        };
    }

    public async Task InitializeAsync()
    {
        await bucket.InitializeAsync();
        await container.InitializeAsync();
    }

    public async Task DisposeAsync()
    {
        await container.DisposeAsync();
        folder.Dispose();
    }
}
