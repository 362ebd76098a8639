using Lockbox.Repository.Storage;

namespace Lockbox.Storage.Tests.Contract;

/// <summary>
/// The contract on a store that implements only the required members, so the read-into-buffer calls run through
/// <see cref="IBlobStore"/>'s default implementations (as they do for a store written outside Lockbox).
/// </summary>
public sealed class DefaultReadIntoContractTests : BlobStoreContract, IClassFixture<TemporaryFolder>
{
    private readonly TemporaryFolder folder;

    public DefaultReadIntoContractTests(TemporaryFolder folder) => this.folder = folder;

    protected override IBlobStore CreateStore(string prefix) => new RequiredMembersOnly(new FolderBlobStore(Path.Combine(folder.Path, prefix)));

    private sealed class RequiredMembersOnly(IBlobStore inner) : IBlobStore
    {
        public string Description => inner.Description;

        public Task<bool> PutIfAbsentAsync(string name, ReadOnlyMemory<byte> data, CancellationToken cancellationToken = default) =>
            inner.PutIfAbsentAsync(name, data, cancellationToken);

        public Task<byte[]> GetAsync(string name, CancellationToken cancellationToken = default) => inner.GetAsync(name, cancellationToken);

        public Task<byte[]> GetRangeAsync(string name, long offset, int length, CancellationToken cancellationToken = default) =>
            inner.GetRangeAsync(name, offset, length, cancellationToken);

        public IAsyncEnumerable<BlobInfo> ListAsync(string prefix, CancellationToken cancellationToken = default) => inner.ListAsync(prefix, cancellationToken);

        public Task DeleteAsync(string name, CancellationToken cancellationToken = default) => inner.DeleteAsync(name, cancellationToken);
    }
}
