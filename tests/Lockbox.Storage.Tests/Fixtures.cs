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
