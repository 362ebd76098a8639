namespace Lockbox.Storage.Tests.Faults;

/// <summary>
/// What the S3 store puts on the wire, for the guarantees s3rver cannot check: every create
/// carries If-None-Match: * (which AWS S3 enforces), and no upload body uses aws-chunked framing
/// (which s3rver would store as content).
/// </summary>
public sealed class WireTests(S3Bucket bucket) : IClassFixture<S3Bucket>
{
    [Theory]
    [InlineData(1000)]            // one PUT
    [InlineData(5 * 1024 * 1024)] // multipart: parts, then the completion
    public async Task EveryS3CreateIsConditionalAndUnframed(int size)
    {
        var watch = new FlakyHttpHandler(_ => false, HttpFault.ServiceUnavailable, times: 0);
        var store = new S3.S3BlobStore(TestServers.S3Options(bucket.Name, "w" + Guid.NewGuid().ToString("N")[..8]) with { HttpHandlerFactory = () => watch });

        Assert.True(await store.PutIfAbsentAsync("data/ab/pack", SeededSequence.Bytes(size, size)));

        var requests = watch.Requests.ToArray();
        var creates = requests.Where(r => (r.Method == "PUT" && !r.PathAndQuery.Contains("partNumber=", StringComparison.Ordinal))
            || (r.Method == "POST" && r.PathAndQuery.Contains("uploadId=", StringComparison.Ordinal))).ToArray();
        Assert.Single(creates);
        Assert.Equal("*", creates[0].IfNoneMatch);
        var bodies = requests.Where(r => r.Method == "PUT").ToArray();
        Assert.NotEmpty(bodies);
        Assert.All(bodies, r => Assert.DoesNotContain("aws-chunked", r.ContentEncoding ?? "", StringComparison.Ordinal));
        Assert.All(bodies, r => Assert.DoesNotContain("STREAMING", r.ContentSha256 ?? "", StringComparison.Ordinal));
        Assert.Equal(SeededSequence.Bytes(size, size), await store.GetAsync("data/ab/pack"));
    }
}
