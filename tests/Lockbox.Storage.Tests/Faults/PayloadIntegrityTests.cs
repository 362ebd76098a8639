using System.Security.Cryptography;
using Lockbox.Cryptography;
using Lockbox.Repository;
using Lockbox.Repository.Storage;
using Lockbox.Storage.Tests.EndToEnd;

namespace Lockbox.Storage.Tests.Faults;

/// <summary>
/// What the S3 store leaves out of an upload and what still guards the bytes (docs/STORAGE.md, "What an upload is
/// checked by"): over https the body goes unsigned (TLS guards it in transit), over plain http it is signed with its
/// SHA-256; no request waits for 100-continue; and a body damaged on the way up or cut short on the way down is never
/// restored: the engine authenticates every pack it reads.
/// </summary>
public sealed class PayloadIntegrityTests(S3Bucket bucket) : IClassFixture<S3Bucket>
{
    [Theory]
    [InlineData(1000)]            // one PUT
    [InlineData(5 * 1024 * 1024)] // multipart: 1 MiB parts in the tests
    public async Task OverHttpsUploadsAreUnsignedAndDoNotWaitForContinue(int size)
    {
        var wire = new WireTamperHandler { PlainHttpPort = TestServers.S3Endpoint.Port };
        using var store = HttpsStore(wire);
        var data = SeededSequence.Bytes(size, size);

        Assert.True(await store.PutIfAbsentAsync("data/ab/pack", data));

        var bodies = wire.Seen.Where(r => r.Method == "PUT").ToArray();
        Assert.NotEmpty(bodies);
        Assert.All(bodies, r => Assert.Equal("UNSIGNED-PAYLOAD", r.ContentSha256));
        Assert.All(wire.Seen, r => Assert.NotEqual(true, r.ExpectContinue));
        Assert.Equal(data, await store.GetAsync("data/ab/pack"));
    }

    [Theory]
    [InlineData(1000)]
    [InlineData(5 * 1024 * 1024)]
    public async Task OverPlainHttpEveryUploadBodyIsSignedWithItsSha256(int size)
    {
        var wire = new WireTamperHandler();
        using var store = new S3.S3BlobStore(TestServers.S3Options(bucket.Name, NewPrefix()) with { HttpHandlerFactory = () => wire });

        Assert.True(await store.PutIfAbsentAsync("data/ab/pack", SeededSequence.Bytes(size, size)));

        var bodies = wire.Seen.Where(r => r.Method == "PUT").ToArray();
        Assert.Equal(size > 3 * 1024 * 1024 ? 5 : 1, bodies.Length);
        Assert.All(bodies, r => Assert.Equal(Convert.ToHexStringLower(SHA256.HashData(r.Body!)), r.ContentSha256));
        Assert.All(wire.Seen, r => Assert.NotEqual(true, r.ExpectContinue));
    }

    [Fact]
    public async Task APackDamagedOnTheWayUpIsReportedAndNeverRestored()
    {
        using var chat = new ChatFolder(messages: 1000);
        using var key = BackupKey.Generate();
        var wire = new WireTamperHandler { PlainHttpPort = TestServers.S3Endpoint.Port, FlipUploadsUnder = "/data/" };
        using var store = HttpsStore(wire);
        await using (var repository = await BackupRepository.InitAsync(store, key))
        {
            await repository.BackupAsync(new BackupSource(chat.DatabasePath, chat.MediaPath, "phone"));
        }
        Assert.True(wire.Flipped > 0);

        using var reader = HttpsStore(new WireTamperHandler { PlainHttpPort = TestServers.S3Endpoint.Port }, Prefix(store));
        await using var repositoryAgain = await BackupRepository.OpenAsync(reader, key);
        var target = chat.NewTarget();
        try
        {
            var error = await Assert.ThrowsAsync<RepositoryDamagedException>(() => repositoryAgain.RestoreAsync("latest", target));
            Assert.DoesNotContain('\n', error.Message);
            Assert.StartsWith("data/", error.ObjectName, StringComparison.Ordinal);
            // The restore authenticates every byte it uses (FORMAT.md section 11, reader step 3): when the flipped byte lies in
            // a media piece, the database is restored first and exactly; no media file comes back, nothing else is left.
            var restored = Directory.EnumerateFiles(target, "*", SearchOption.AllDirectories).ToList();
            Assert.All(restored, f => Assert.Equal(Path.Combine(target, "msgstore.db"), f));
            if (restored.Count == 1) Assert.Equal(ChatFolder.Dump(chat.DatabasePath), ChatFolder.Dump(restored[0]));
        }
        finally
        {
            Directory.Delete(target, recursive: true);
        }
        var report = await repositoryAgain.VerifyAsync(readData: true);
        Assert.False(report.IsHealthy, "verify accepted a pack damaged in transit");
    }

    [Fact]
    public async Task ADownloadCutShortWithHonestHeadersIsRefused()
    {
        var writer = new WireTamperHandler();
        using var store = new S3.S3BlobStore(TestServers.S3Options(bucket.Name, NewPrefix()) with { HttpHandlerFactory = () => writer });
        var data = SeededSequence.Bytes(7, 2 * 1024 * 1024);
        Assert.True(await store.PutIfAbsentAsync("data/cd/pack", data));

        var wire = new WireTamperHandler { HalveDownloadsUnder = "/data/" };
        using var reader = new S3.S3BlobStore(TestServers.S3Options(bucket.Name, Prefix(store)) with { HttpHandlerFactory = () => wire });

        var range = new byte[1000];
        var error = await Assert.ThrowsAsync<BlobSizeException>(async () => await reader.ReadRangeAsync("data/cd/pack", 100, range));
        Assert.Equal("data/cd/pack", error.Name);
        var whole = new byte[data.Length];
        Assert.Equal(data.Length / 2, await reader.ReadAsync("data/cd/pack", whole)); // shorter: the engine's hash refuses it
        Assert.Equal(2, wire.Halved);
    }

    private S3.S3BlobStore HttpsStore(WireTamperHandler wire, string? prefix = null) =>
        new(TestServers.S3Options(bucket.Name, prefix ?? NewPrefix()) with
        {
            Endpoint = new UriBuilder(TestServers.S3Endpoint) { Scheme = Uri.UriSchemeHttps }.Uri,
            HttpHandlerFactory = () => wire,
        });

    private static string NewPrefix() => "p" + Guid.NewGuid().ToString("N")[..12];

    private static string Prefix(IBlobStore store) => store.Description[(store.Description.LastIndexOf('/') + 1)..];
}
