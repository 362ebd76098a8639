using Lockbox.Repository.Storage;
using Lockbox.Storage.S3;

namespace Lockbox.Storage.Tests.Contract;

/// <summary>The contract on the S3 store against s3rver, in a fresh bucket.</summary>
public sealed class S3StoreContractTests : BlobStoreContract, IClassFixture<S3Bucket>
{
    private readonly S3Bucket bucket;

    public S3StoreContractTests(S3Bucket bucket) => this.bucket = bucket;

    /// <summary>s3rver ignores If-None-Match, so racing creates may both succeed (the last one wins, whole).</summary>
    protected override bool CreatesExclusively => false;

    /// <summary>s3rver writes an object's file in place and serves whatever is there (AWS S3 publishes atomically).</summary>
    protected override bool PublishesAtomically => false;

    protected override IBlobStore CreateStore(string prefix) => new S3BlobStore(TestServers.S3Options(bucket.Name, prefix));
}
