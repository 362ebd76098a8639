using System.Collections.Concurrent;
using System.Security.Cryptography;

namespace Lockbox.Repository.Engine;

/// <summary>
/// A restore's or a verify's own buffers of one kind (packs, pack headers, AEAD frames, runs), kept for the run only.
/// <see cref="System.Buffers.ArrayPool{T}.Shared"/> keeps a buffer per pool thread that touched one, and a restore's
/// continuations hop across a dozen threads, so its large buffers stayed in RSS to the end; the shared pack pool drops a
/// pooled buffer that is too short for the next pack. Here every buffer is as long as the longest asked for, and at
/// most as many exist as were in use at once.
/// </summary>
internal sealed class BufferBag(int length, bool wipe)
{
    private readonly ConcurrentBag<byte[]> _free = [];
    private int _length = length;

    /// <summary>A buffer of at least <paramref name="minimum"/> bytes.</summary>
    public byte[] Rent(int minimum)
    {
        if (minimum > Volatile.Read(ref _length)) Interlocked.Exchange(ref _length, minimum);
        while (_free.TryTake(out byte[]? buffer))
        {
            if (buffer.Length >= minimum) return buffer;   // a shorter one (made before the length grew) is dropped
        }
        return GC.AllocateUninitializedArray<byte>(Math.Max(minimum, Volatile.Read(ref _length)));
    }

    /// <summary>Takes a buffer back, wiping it first when it held plaintext.</summary>
    public void Return(byte[] buffer)
    {
        if (buffer.Length == 0) return;
        if (wipe) CryptographicOperations.ZeroMemory(buffer);
        _free.Add(buffer);
    }
}
