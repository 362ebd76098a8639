using ZstdSharp;

namespace Lockbox.Repository.Format;

/// <summary>
/// zstd compression of database blocks and metadata (one compressor per thread: they are not thread-safe), through the
/// system library when there is one (<see cref="NativeZstd"/>), else the managed port.
/// </summary>
internal static class Compression
{
    [ThreadStatic] private static Compressor? t_compressor;
    [ThreadStatic] private static Decompressor? t_decompressor;

    private static Compressor Compressor => t_compressor ??= new Compressor(FormatConstants.ZstdLevel);
    private static Decompressor Decompressor => t_decompressor ??= new Decompressor();

    /// <summary>zstd's ZSTD_COMPRESSBOUND: the largest frame a <paramref name="length"/>-byte input can compress to.</summary>
    public static int Bound(int length) => length + (length >> 8) + (length < (128 << 10) ? ((128 << 10) - length) >> 11 : 0);

    /// <summary>Compresses into <paramref name="destination"/> (at least <see cref="Bound"/> bytes); returns the length.</summary>
    public static int Compress(ReadOnlySpan<byte> source, Span<byte> destination) =>
        NativeZstd.IsAvailable ? NativeZstd.Compress(source, destination, FormatConstants.ZstdLevel) : Compressor.Wrap(source, destination);

    public static byte[] Compress(ReadOnlySpan<byte> source)
    {
        byte[] buffer = new byte[Bound(source.Length)];
        int n = Compress(source, buffer);
        return buffer[..n];
    }

    /// <summary>Decompresses exactly <paramref name="destination"/>.Length bytes; anything else is corrupt.</summary>
    public static void Decompress(ReadOnlySpan<byte> source, Span<byte> destination)
    {
        int n;
        if (NativeZstd.IsAvailable)
        {
            n = NativeZstd.Decompress(source, destination);
            if (n < 0) throw new CorruptDataException("compressed data does not decode");
        }
        else
        {
            try
            {
                n = Decompressor.Unwrap(source, destination);
            }
            catch (ZstdException)
            {
                throw new CorruptDataException("compressed data does not decode");
            }
        }
        if (n != destination.Length) throw new CorruptDataException("decompressed length differs from the recorded length");
    }

    /// <summary>Decompresses a frame whose size is in its header (metadata).</summary>
    public static byte[] DecompressFrame(ReadOnlySpan<byte> source, int maxSize)
    {
        byte[] output = new byte[FrameSize(source, maxSize)];
        Decompress(source, output);
        return output;
    }

    /// <summary>The decompressed size a frame's header records (at most <paramref name="maxSize"/>, else corrupt).</summary>
    public static int FrameSize(ReadOnlySpan<byte> source, int maxSize)
    {
        ulong size;
        try
        {
            size = Decompressor.GetDecompressedSize(source);
        }
        catch (ZstdException)
        {
            throw new CorruptDataException("compressed data does not decode");
        }
        if (size > (ulong)maxSize) throw new CorruptDataException("decompressed size too large");
        return (int)size;
    }
}
