using Lockbox.Repository.Storage;
using Lockbox.Storage.Azure;
using Lockbox.Storage.Resilience;
using Lockbox.Storage.S3;

namespace Lockbox.Storage.Tests.Configuration;

/// <summary>Each SDK stays inside the one project that adapts it (DESIGN.md "Layers").</summary>
public sealed class LayeringTests
{
    [Fact]
    public void TheEngineReferencesNoCloudSdkAndNoPolly()
    {
        var references = typeof(IBlobStore).Assembly.GetReferencedAssemblies().Select(a => a.Name!).ToArray();
        Assert.DoesNotContain(references, n => n.StartsWith("AWSSDK", StringComparison.Ordinal) || n.StartsWith("Azure", StringComparison.Ordinal) || n.StartsWith("Polly", StringComparison.Ordinal));
    }

    [Fact]
    public void EachStoreReferencesOnlyItsOwnSdk()
    {
        var s3 = typeof(S3BlobStore).Assembly.GetReferencedAssemblies().Select(a => a.Name!).ToArray();
        var azure = typeof(AzureBlobStore).Assembly.GetReferencedAssemblies().Select(a => a.Name!).ToArray();
        var resilience = typeof(StoreResilience).Assembly.GetReferencedAssemblies().Select(a => a.Name!).ToArray();
        Assert.Contains("AWSSDK.S3", s3);
        Assert.DoesNotContain(s3, n => n.StartsWith("Azure", StringComparison.Ordinal));
        Assert.Contains("Azure.Storage.Blobs", azure);
        Assert.DoesNotContain(azure, n => n.StartsWith("AWSSDK", StringComparison.Ordinal));
        Assert.DoesNotContain(resilience, n => n.StartsWith("AWSSDK", StringComparison.Ordinal) || n.StartsWith("Azure", StringComparison.Ordinal));
    }
}
