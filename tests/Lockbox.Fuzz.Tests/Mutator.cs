// A seeded System.Random on purpose: the smoke pass must produce the same inputs on every run so a failure
// reproduces. Nothing here is secret.
#pragma warning disable CA5394

namespace Lockbox.Fuzz.Tests;

/// <summary>
/// Deterministic mutations for the smoke pass (a fixed seed, so a failure reproduces): bit flips, byte
/// changes, truncations, extensions, insertions and deletions, splices of two seeds, and 1/2/4/8-byte
/// windows (length fields, counts, sizes) set to extremes in either byte order.
/// </summary>
internal sealed class Mutator(int seed)
{
    private static readonly ulong[] Extremes = [0, 1, 0x7F, 0x80, 0xFF, 0x7FFF, 0x8000, 0xFFFF, 0x7FFF_FFFF, 0x8000_0000, 0xFFFF_FFFF, long.MaxValue, unchecked((ulong)long.MinValue), ulong.MaxValue];
    private readonly Random _random = new(seed);

    public byte[] Mutate(IReadOnlyList<byte[]> seeds)
    {
        byte[] input = [.. seeds[_random.Next(seeds.Count)]];
        int rounds = 1 + _random.Next(3);
        for (int i = 0; i < rounds; i++) input = MutateOnce(input, seeds);
        return input;
    }

    private byte[] MutateOnce(byte[] input, IReadOnlyList<byte[]> seeds)
    {
        // Keep the selector byte of multi-mode targets most of the time, so each mode gets its share.
        int from = input.Length > 1 && _random.Next(8) != 0 ? 1 : 0;
        int span = input.Length - from;
        switch (_random.Next(9))
        {
            case 0 when span > 0:
                input[from + _random.Next(span)] ^= (byte)(1 << _random.Next(8));
                return input;
            case 1 when span > 0:
                input[from + _random.Next(span)] = (byte)_random.Next(256);
                return input;
            case 2:
                return input[..(from + _random.Next(span + 1))];
            case 3:
                return [.. input, .. RandomBytes(1 + _random.Next(64))];
            case 4:
            {
                int at = from + _random.Next(span + 1);
                return [.. input[..at], .. RandomBytes(1 + _random.Next(16)), .. input[at..]];
            }
            case 5 when span > 0:
            {
                int at = from + _random.Next(span);
                int count = 1 + _random.Next(Math.Min(16, input.Length - at));
                return [.. input[..at], .. input[(at + count)..]];
            }
            case 6:
            {
                byte[] other = seeds[_random.Next(seeds.Count)];
                int cut = from + _random.Next(span + 1);
                int otherCut = _random.Next(other.Length + 1);
                return [.. input[..cut], .. other[otherCut..]];
            }
            default:
                SetExtreme(input, from);
                return input;
        }
    }

    private void SetExtreme(byte[] input, int from)
    {
        int width = 1 << _random.Next(4); // 1, 2, 4 or 8 bytes
        if (input.Length - from < width) return;
        int at = from + _random.Next(input.Length - from - width + 1);
        ulong value = Extremes[_random.Next(Extremes.Length)];
        bool bigEndian = _random.Next(2) == 0;
        for (int i = 0; i < width; i++)
        {
            int shift = 8 * (bigEndian ? width - 1 - i : i);
            input[at + i] = (byte)(value >> shift);
        }
    }

    private byte[] RandomBytes(int count)
    {
        byte[] bytes = new byte[count];
        _random.NextBytes(bytes);
        return bytes;
    }
}
