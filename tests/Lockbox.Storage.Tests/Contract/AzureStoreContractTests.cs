using Lockbox.Repository.Storage;
using Lockbox.Storage.Azure;

namespace Lockbox.Storage.Tests.Contract;

/// <summary>The contract on the Azure Blob store against Azurite, in a fresh container.</summary>
public sealed class AzureStoreContractTests : BlobStoreContract, IClassFixture<AzureContainer>
{
    private readonly AzureContainer container;

    public AzureStoreContractTests(AzureContainer container) => this.container = container;

    protected override IBlobStore CreateStore(string prefix) => new AzureBlobStore(TestServers.AzureOptions(container.Name, prefix));
}
