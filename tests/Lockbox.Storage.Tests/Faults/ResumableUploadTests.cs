using Lockbox.Repository.Storage;
using Lockbox.Storage.Azure;
using Lockbox.Storage.S3;

namespace Lockbox.Storage.Tests.Faults;

/// <summary>
/// Network faults injected between the SDKs and the real servers: a failed part or block is sent
/// again on its own (the upload resumes), an upload that cannot finish leaves nothing under its
/// name, and a body cut short is fetched again.
/// </summary>
public sealed class ResumableUploadTests(S3Bucket bucket, AzureContainer container) : IClassFixture<S3Bucket>, IClassFixture<AzureContainer>
{
    private const int Mib = 1024 * 1024;
    private static readonly byte[] Pack = SeededSequence.Bytes(77, 5 * Mib + 1); // six 1 MiB parts in the tests' settings
    private readonly string prefix = "u" + Guid.NewGuid().ToString("N")[..12];

    [Fact]
    public async Task S3UploadSendsOnlyTheFailedPartAgain()
    {
        var flaky = new FlakyHttpHandler(r => r.RequestUri!.Query.Contains("partNumber=2&", StringComparison.Ordinal), HttpFault.ServiceUnavailable, times: 2);
        var store = S3(flaky);

        Assert.True(await store.PutIfAbsentAsync("data/aa/pack", Pack));

        Assert.Equal(Pack, await store.GetAsync("data/aa/pack"));
        Assert.Equal(1, flaky.Count(l => l.StartsWith("POST", StringComparison.Ordinal) && l.EndsWith("?uploads", StringComparison.Ordinal)));
        Assert.Equal(3, flaky.Count(l => l.Contains("partNumber=2&", StringComparison.Ordinal)));
        Assert.Equal(6 + 2, flaky.Count(l => l.Contains("partNumber=", StringComparison.Ordinal)));
        Assert.Equal(2, store.Resilience.RetryCount);
    }

    [Fact]
    public async Task S3UploadThatCannotFinishLeavesNothingUnderItsName()
    {
        var flaky = new FlakyHttpHandler(r => r.RequestUri!.Query.Contains("partNumber=3&", StringComparison.Ordinal), HttpFault.DropRequest, times: -1);

        var error = await Assert.ThrowsAsync<BlobStoreException>(() => S3(flaky).PutIfAbsentAsync("data/bb/pack", Pack));

        Assert.Contains("gave up after 6 attempts", error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain('\n', error.Message);
        var clean = S3(null);
        await Assert.ThrowsAsync<BlobNotFoundException>(() => clean.GetAsync("data/bb/pack"));
        Assert.Empty(await ListAsync(clean));
        Assert.True(await clean.PutIfAbsentAsync("data/bb/pack", Pack));
        Assert.Equal(Pack, await clean.GetAsync("data/bb/pack"));
    }

    [Fact]
    public async Task S3DownloadCutShortIsFetchedAgain()
    {
        Assert.True(await S3(null).PutIfAbsentAsync("data/cc/pack", Pack));
        var flaky = new FlakyHttpHandler(r => r.Method == HttpMethod.Get && !r.RequestUri!.Query.Contains("list-type", StringComparison.Ordinal), HttpFault.CutBody, times: 1);
        var store = S3(flaky);

        Assert.Equal(Pack, await store.GetAsync("data/cc/pack"));
        Assert.Equal(1, flaky.Broken);
        Assert.Equal(1, store.Resilience.RetryCount);
    }

    [Fact]
    public async Task AzureUploadSendsOnlyTheFailedBlockAgain()
    {
        var flaky = new FlakyHttpHandler(r => r.RequestUri!.Query.Contains("comp=block&", StringComparison.Ordinal), HttpFault.DropRequest, times: 2);
        var store = Azure(flaky);

        Assert.True(await store.PutIfAbsentAsync("data/dd/pack", Pack));

        Assert.Equal(Pack, await store.GetAsync("data/dd/pack"));
        Assert.Equal(6 + 2, flaky.Count(l => l.Contains("comp=block&", StringComparison.Ordinal)));
        Assert.Equal(1, flaky.Count(l => l.Contains("comp=blocklist", StringComparison.Ordinal)));
        Assert.Equal(2, store.Resilience.RetryCount);
    }

    [Fact]
    public async Task AzureUploadThatCannotCommitLeavesNothingUnderItsName()
    {
        var flaky = new FlakyHttpHandler(r => r.RequestUri!.Query.Contains("comp=blocklist", StringComparison.Ordinal), HttpFault.ServiceUnavailable, times: -1);

        var error = await Assert.ThrowsAsync<BlobStoreException>(() => Azure(flaky).PutIfAbsentAsync("data/ee/pack", Pack));

        Assert.Contains("gave up after 6 attempts", error.Message, StringComparison.Ordinal);
        var clean = Azure(null);
        await Assert.ThrowsAsync<BlobNotFoundException>(() => clean.GetAsync("data/ee/pack"));
        Assert.Empty(await ListAsync(clean));
        Assert.True(await clean.PutIfAbsentAsync("data/ee/pack", Pack));
        Assert.Equal(Pack, await clean.GetAsync("data/ee/pack"));
    }

    [Theory]
    [InlineData("comp=blocklist", 5 * Mib + 1)] // the commit of a staged upload
    [InlineData("", 1000)]                      // a single Put Blob
    public async Task AzureCreateWhoseAnswerWasLostIsReportedAsWritten(string query, int size)
    {
        var data = SeededSequence.Bytes(size, size);
        var flaky = new FlakyHttpHandler(r => r.Method == HttpMethod.Put && (query.Length == 0 ? r.RequestUri!.Query.Length == 0 : r.RequestUri!.Query.Contains(query, StringComparison.Ordinal)), HttpFault.LoseAnswer, times: 1);
        var store = Azure(flaky);

        Assert.True(await store.PutIfAbsentAsync("snapshots/0001", data));

        Assert.Equal(1, flaky.Broken);
        Assert.Equal(data, await store.GetAsync("snapshots/0001"));
        Assert.False(await store.PutIfAbsentAsync("snapshots/0001", data));
    }

    [Fact]
    public async Task AzureDownloadCutShortIsFetchedAgain()
    {
        Assert.True(await Azure(null).PutIfAbsentAsync("data/ff/pack", Pack));
        var flaky = new FlakyHttpHandler(r => r.Method == HttpMethod.Get && !r.RequestUri!.Query.Contains("comp=list", StringComparison.Ordinal), HttpFault.CutBody, times: 1);
        var store = Azure(flaky);

        Assert.Equal(Pack[Mib..(2 * Mib)], await store.GetRangeAsync("data/ff/pack", Mib, Mib));
        Assert.Equal(1, flaky.Broken);
        // The Azure SDK's download stream resumes the body itself, from the byte where it broke.
        Assert.Equal(2, flaky.Count(l => l.StartsWith("GET", StringComparison.Ordinal)));
    }

    private S3BlobStore S3(FlakyHttpHandler? handler) =>
        new(TestServers.S3Options(bucket.Name, prefix) with { HttpHandlerFactory = handler is null ? null : () => handler });

    private AzureBlobStore Azure(FlakyHttpHandler? handler) =>
        new(TestServers.AzureOptions(container.Name, prefix) with { HttpHandlerFactory = handler is null ? null : () => handler });

    private static async Task<List<BlobInfo>> ListAsync(IBlobStore store)
    {
        var list = new List<BlobInfo>();
        await foreach (var blob in store.ListAsync(""))
        {
            list.Add(blob);
        }
        return list;
    }
}
