using System.Collections.Concurrent;

namespace Lockbox.Repository.Format.Pack;

/// <summary>
/// Reuses the few pack-sized buffers a backup has in flight (building, queued, uploading), so memory stays
/// flat instead of churning a fresh 8 MiB large-object array per pack.
/// </summary>
internal static class PackBufferPool
{
    private const int Retained = 4;
    private static readonly ConcurrentBag<byte[]> Pool = [];

    public static byte[] Rent(int minimumLength)
    {
        while (Pool.TryTake(out byte[]? buffer))
        {
            if (buffer.Length >= minimumLength) return buffer;
        }
        return GC.AllocateUninitializedArray<byte>(minimumLength);
    }

    public static void Return(byte[] buffer)
    {
        if (buffer.Length == 0 || Pool.Count >= Retained) return;
        Pool.Add(buffer);
    }
}
