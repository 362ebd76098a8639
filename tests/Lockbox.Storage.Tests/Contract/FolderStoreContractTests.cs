using Lockbox.Repository.Storage;

namespace Lockbox.Storage.Tests.Contract;

/// <summary>The contract on the engine's folder store, each test class in its own temporary folder.</summary>
public sealed class FolderStoreContractTests : BlobStoreContract, IClassFixture<TemporaryFolder>
{
    private readonly TemporaryFolder folder;

    public FolderStoreContractTests(TemporaryFolder folder) => this.folder = folder;

    protected override IBlobStore CreateStore(string prefix) => new FolderBlobStore(Path.Combine(folder.Path, prefix));
}
