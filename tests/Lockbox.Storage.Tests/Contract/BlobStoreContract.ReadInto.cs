using Lockbox.Repository.Storage;

namespace Lockbox.Storage.Tests.Contract;

/// <summary>
/// The read-into-buffer half of the contract (<see cref="IBlobStore.ReadAsync"/>, <see cref="IBlobStore.ReadRangeAsync"/>):
/// restore and verify read every pack into one pooled buffer, so each store must fill exactly the caller's bytes and
/// say clearly when an object does not fit or ends early.
/// </summary>
public abstract partial class BlobStoreContract
{
    [Fact]
    public async Task ReadIntoABufferFillsItsStartWithTheWholeObject()
    {
        var data = Bytes(21, 3000);
        await Store.PutIfAbsentAsync("data/a1/a101", data);
        var buffer = new byte[4096];
        buffer.AsSpan().Fill(0xEE);
        Assert.Equal(3000, await Store.ReadAsync("data/a1/a101", buffer));
        Assert.Equal(data, buffer[..3000]);
        Assert.All(buffer[3000..], b => Assert.Equal(0xEE, b)); // nothing written past the object
        Assert.Equal(3000, await Store.ReadAsync("data/a1/a101", new byte[3000])); // an exact fit
    }

    [Fact]
    public async Task ReadIntoABufferOfAnEmptyObjectReturnsZero()
    {
        await Store.PutIfAbsentAsync("locks/empty-into", ReadOnlyMemory<byte>.Empty);
        Assert.Equal(0, await Store.ReadAsync("locks/empty-into", new byte[16]));
        Assert.Equal(0, await Store.ReadAsync("locks/empty-into", Memory<byte>.Empty));
    }

    [Fact]
    public async Task ReadIntoABufferOfAMissingObjectThrowsBlobNotFound()
    {
        var whole = await Assert.ThrowsAsync<BlobNotFoundException>(() => Store.ReadAsync("data/00/missing-into", new byte[64]).AsTask());
        Assert.Equal("data/00/missing-into", whole.Name);
        var range = await Assert.ThrowsAsync<BlobNotFoundException>(() => Store.ReadRangeAsync("data/00/missing-into", 8, new byte[16]).AsTask());
        Assert.Equal("data/00/missing-into", range.Name);
        await Assert.ThrowsAsync<BlobNotFoundException>(() => Store.ReadRangeAsync("data/00/missing-into", 0, Memory<byte>.Empty).AsTask());
    }

    [Fact]
    public async Task ReadIntoABufferTooSmallThrowsBlobSizeNamingTheObject()
    {
        await Store.PutIfAbsentAsync("data/b2/b202", Bytes(22, 1000));
        var e = await Assert.ThrowsAsync<BlobSizeException>(() => Store.ReadAsync("data/b2/b202", new byte[999]).AsTask());
        Assert.Equal("data/b2/b202", e.Name);
        Assert.Equal("Object 'data/b2/b202' is larger than the 999 bytes expected of it.", e.Message);
    }

    [Fact]
    public async Task ReadIntoAPackSizedBufferTooSmallThrowsBlobSize()
    {
        // Pack-sized reads may travel differently (S3 asks them as a range): an object one byte longer is still refused.
        int length = 2 * 1024 * 1024;
        await Store.PutIfAbsentAsync("data/b2/b203", Bytes(26, length + 1));
        var e = await Assert.ThrowsAsync<BlobSizeException>(() => Store.ReadAsync("data/b2/b203", new byte[length]).AsTask());
        Assert.Equal("data/b2/b203", e.Name);
        var exact = new byte[length + 1];
        Assert.Equal(length + 1, await Store.ReadAsync("data/b2/b203", exact));
        Assert.Equal(Bytes(26, length + 1), exact);
    }

    [Fact]
    public async Task RangeReadIntoABufferFillsExactlyIt()
    {
        var data = Bytes(23, 5000);
        await Store.PutIfAbsentAsync("data/c3/c303", data);
        var buffer = new byte[100];
        await Store.ReadRangeAsync("data/c3/c303", 1234, buffer);
        Assert.Equal(data[1234..1334], buffer);
        await Store.ReadRangeAsync("data/c3/c303", 4900, buffer); // up to the last byte
        Assert.Equal(data[4900..], buffer);
        await Store.ReadRangeAsync("data/c3/c303", 0, buffer.AsMemory(0, 32)); // where a pack's salt is
        Assert.Equal(data[..32], buffer[..32]);
        await Store.ReadRangeAsync("data/c3/c303", 7, buffer.AsMemory(0, 1)); // (s3rver ignores "bytes=0-0"; the store refuses its answer)
        Assert.Equal(data[7], buffer[0]);
        await Store.ReadRangeAsync("data/c3/c303", 10, Memory<byte>.Empty);
    }

    [Theory]
    [InlineData(4950, 100)]  // starts inside, ends past the end
    [InlineData(5000, 1)]    // starts at the end
    [InlineData(9000, 16)]   // starts past the end
    public async Task RangeReadIntoABufferPastTheEndThrowsBlobSize(long offset, int length)
    {
        await Store.PutIfAbsentAsync("data/d4/d404", Bytes(24, 5000));
        var e = await Assert.ThrowsAsync<BlobSizeException>(() => Store.ReadRangeAsync("data/d4/d404", offset, new byte[length]).AsTask());
        Assert.Equal("data/d4/d404", e.Name);
        Assert.Equal($"Object 'data/d4/d404' ends before the {length} bytes at offset {offset} that were expected of it.", e.Message);
    }

    [Fact]
    public async Task LargeObjectReadsIntoAPooledSizeBuffer()
    {
        var data = Bytes(25, 9 * 1024 * 1024 + 17); // larger than one pack, read in many network reads
        await Store.PutIfAbsentAsync("data/e5/e505", data);
        var buffer = new byte[16 * 1024 * 1024];
        Assert.Equal(data.Length, await Store.ReadAsync("data/e5/e505", buffer));
        Assert.True(data.AsSpan().SequenceEqual(buffer.AsSpan(0, data.Length)));
        var range = new byte[3 * 1024 * 1024];
        await Store.ReadRangeAsync("data/e5/e505", 5 * 1024 * 1024 + 3, range);
        Assert.True(data.AsSpan(5 * 1024 * 1024 + 3, range.Length).SequenceEqual(range));
    }
}
