using System.Numerics;

namespace Lockbox.Repository.Chunking;

/// <summary>
/// Padmé padding (Nikitin et al., "Reducing Metadata Leakage from Encrypted Files and Communication
/// with PURBs", PETS 2019): rounds a length L up so only O(log log L) bits of it show, at most ~12% overhead.
/// Used for every blob's payload (FORMAT.md "Blob"), so stored sizes do not fingerprint known files.
/// </summary>
internal static class Padme
{
    public static int PaddedLength(int length)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(length);
        if (length < 2) return length;
        int e = BitOperations.Log2((uint)length);
        int s = BitOperations.Log2((uint)e) + 1;
        int lastBits = e - s;
        int mask = (1 << lastBits) - 1;
        return (int)(((long)length + mask) & ~(long)mask);
    }
}
