namespace Lockbox.Storage.Tests;

/// <summary>
/// A reproducible number sequence (SplitMix64) for test data and injected faults: the same seed
/// always gives the same bytes and the same faults, so a failing run can be replayed. Never for secrets.
/// </summary>
public sealed class SeededSequence(ulong seed)
{
    private ulong state = seed;

    public ulong Next()
    {
        var z = state += 0x9E3779B97F4A7C15UL;
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
        return z ^ (z >> 31);
    }

    /// <summary>A number in [0, 1).</summary>
    public double NextDouble() => (Next() >> 11) * (1.0 / (1UL << 53));

    /// <summary>A number in [0, <paramref name="limit"/>).</summary>
    public int NextInt(int limit) => (int)(Next() % (ulong)limit);

    public void Fill(Span<byte> bytes)
    {
        var i = 0;
        for (; i + 8 <= bytes.Length; i += 8)
        {
            BitConverter.TryWriteBytes(bytes[i..], Next());
        }
        if (i < bytes.Length)
        {
            Span<byte> last = stackalloc byte[8];
            BitConverter.TryWriteBytes(last, Next());
            last[..(bytes.Length - i)].CopyTo(bytes[i..]);
        }
    }

    /// <summary>Reproducible test bytes.</summary>
    public static byte[] Bytes(int seed, int length)
    {
        var bytes = new byte[length];
        new SeededSequence((ulong)seed).Fill(bytes);
        return bytes;
    }
}
