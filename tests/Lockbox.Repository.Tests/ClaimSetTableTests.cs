using System.Security.Cryptography;
using Lockbox.Repository.Engine;
using Lockbox.Repository.Format;

namespace Lockbox.Repository.Tests;

/// <summary>The claimed set's open-addressing tables: removal keeps every other id findable, and sizing up front changes nothing but room.</summary>
public sealed class ClaimSetTableTests
{
    private static BlobId Id(int i) => BlobId.Read(SHA256.HashData(BitConverter.GetBytes(i)));

    [Theory]
    [InlineData(0)]
    [InlineData(30_000)]
    public void RemovingHalfTheIdsKeepsTheOtherHalfAndTheZeroIdIsAnIdLikeAnyOther(long reserved)
    {
        var set = new ClaimSet();
        set.EnsureCapacity(reserved);
        BlobId[] ids = [.. Enumerable.Range(0, 20_000).Select(Id)];
        Assert.All(ids, id => Assert.True(set.TryAdd(id)));
        Assert.True(set.TryAdd(default));
        Assert.False(set.TryAdd(default));
        for (int i = 0; i < ids.Length; i += 2) set.Remove(ids[i]);
        set.Remove(default);
        set.Remove(Id(-1)); // never added: no effect
        Assert.Equal(ids.Length / 2, set.Count);
        for (int i = 0; i < ids.Length; i++) Assert.Equal(i % 2 == 1, set.Contains(ids[i]));
        Assert.False(set.Contains(default));
        for (int i = 0; i < ids.Length; i++) Assert.Equal(i % 2 == 0, set.TryAdd(ids[i]));
        Assert.Equal(ids.Length, set.Count);
    }
}
