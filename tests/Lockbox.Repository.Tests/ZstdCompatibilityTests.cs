using Lockbox.Repository.Format;
using ZstdSharp;

namespace Lockbox.Repository.Tests;

/// <summary>
/// The system zstd library (used when present) and the managed port (the fallback on platforms without one) read
/// each other's frames, plain and with a base block as raw-content dictionary (FORMAT.md section 5, compression 1 and 2).
/// </summary>
public sealed class ZstdCompatibilityTests
{
    private static byte[] Page(int seed, int edits)
    {
        var random = new Random(seed);
        byte[] page = new byte[4096];
        for (int i = 0; i < page.Length; i += 64) random.NextBytes(page.AsSpan(i, 16)); // some entropy, some zeros, like a page
        page[0] = 0x0D;
        for (int i = 0; i < edits; i++) page[random.Next(page.Length)] ^= 0x5A;
        return page;
    }

    [Fact]
    public void TheSystemLibraryIsUsedOnLinux()
    {
        if (OperatingSystem.IsLinux()) Assert.True(NativeZstd.IsAvailable, "libzstd.so.1 is part of every Debian system");
    }

    [Fact]
    public void FramesFromEitherImplementationDecodeWithTheOther()
    {
        if (!NativeZstd.IsAvailable) return;
        byte[] page = Page(1, 0);
        byte[] native = new byte[Compression.Bound(page.Length)];
        int n = NativeZstd.Compress(page, native, FormatConstants.ZstdLevel);
        Assert.True(n < page.Length);
        using (var managed = new Decompressor()) Assert.Equal(page, managed.Unwrap(native.AsSpan(0, n)).ToArray());

        byte[] managedFrame;
        using (var compressor = new Compressor(FormatConstants.ZstdLevel)) managedFrame = compressor.Wrap(page).ToArray();
        byte[] back = new byte[page.Length];
        Assert.Equal(page.Length, NativeZstd.Decompress(managedFrame, back));
        Assert.Equal(page, back);
    }

    [Fact]
    public void DeltasFromEitherImplementationDecodeWithTheOther()
    {
        if (!NativeZstd.IsAvailable) return;
        byte[] baseRaw = Page(2, 0), block = Page(2, 12);
        byte[] native = new byte[Compression.Bound(block.Length)];
        int n = NativeZstd.Compress(block, native, FormatConstants.ZstdLevel, baseRaw);
        Assert.True(n < 400, $"a page with 12 changed bytes costs {n} bytes against its base");
        using (var managed = new Decompressor())
        {
            managed.LoadDictionary(baseRaw);
            Assert.Equal(block, managed.Unwrap(native.AsSpan(0, n)).ToArray());
        }

        byte[] managedDelta;
        using (var compressor = new Compressor(FormatConstants.ZstdLevel))
        {
            compressor.LoadDictionary(baseRaw);
            managedDelta = compressor.Wrap(block).ToArray();
        }
        byte[] back = new byte[block.Length];
        Assert.Equal(block.Length, NativeZstd.Decompress(managedDelta, back, baseRaw));
        Assert.Equal(block, back);
        // Against the wrong base the frame does not rebuild the block (and the keyed hash check would catch any other result).
        byte[] wrong = new byte[block.Length];
        int m = NativeZstd.Decompress(managedDelta, wrong, Page(3, 0));
        Assert.True(m < 0 || !wrong.AsSpan().SequenceEqual(block));
    }

    [Fact]
    public void GarbageDoesNotDecodeAndATooSmallDestinationIsRefused()
    {
        if (!NativeZstd.IsAvailable) return;
        Assert.Equal(-1, NativeZstd.Decompress(new byte[] { 1, 2, 3, 4, 5, 6, 7, 8, 9 }, new byte[4096]));
        byte[] page = Page(4, 0);
        byte[] frame = new byte[Compression.Bound(page.Length)];
        int n = NativeZstd.Compress(page, frame, FormatConstants.ZstdLevel);
        Assert.Equal(-1, NativeZstd.Decompress(frame.AsSpan(0, n), new byte[page.Length - 1]));
        Assert.Throws<CorruptDataException>(() => Compression.Decompress(frame.AsSpan(0, n - 1), new byte[page.Length]));
    }
}
