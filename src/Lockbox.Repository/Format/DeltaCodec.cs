using ZstdSharp;

namespace Lockbox.Repository.Format;

/// <summary>
/// Delta blocks (FORMAT.md "Blobs", compression 2): a block compressed by zstd with its base block's raw bytes
/// loaded as a raw-content dictionary, so bytes the two share cost a few bits. One compressor and one
/// decompressor per thread (they are not thread-safe and carry the loaded dictionary). No I/O.
/// </summary>
internal static class DeltaCodec
{
    [ThreadStatic] private static Compressor? t_compressor;
    [ThreadStatic] private static Decompressor? t_decompressor;

    /// <summary>False for a base that zstd would parse as a structured dictionary (it starts with the dictionary magic).</summary>
    public static bool CanBeBase(ReadOnlySpan<byte> baseRaw) =>
        baseRaw.Length >= FormatConstants.ZstdDictionaryMagic.Length && !baseRaw.StartsWith(FormatConstants.ZstdDictionaryMagic);

    /// <summary>Compresses <paramref name="block"/> against <paramref name="baseRaw"/> into <paramref name="destination"/> (at least <see cref="Compression.Bound"/>); returns the length.</summary>
    public static int Encode(ReadOnlySpan<byte> block, ReadOnlySpan<byte> baseRaw, Span<byte> destination)
    {
        if (!CanBeBase(baseRaw)) throw new ArgumentException("This block cannot serve as a delta base.", nameof(baseRaw));
        if (NativeZstd.IsAvailable) return NativeZstd.Compress(block, destination, FormatConstants.ZstdLevel, baseRaw);
        Compressor c = t_compressor ??= new Compressor(FormatConstants.ZstdLevel);
        c.LoadDictionary(baseRaw);
        return c.Wrap(block, destination);
    }

    /// <summary>Rebuilds exactly <paramref name="destination"/>.Length bytes from a delta and its base; anything else is corrupt.</summary>
    public static void Decode(ReadOnlySpan<byte> delta, ReadOnlySpan<byte> baseRaw, Span<byte> destination)
    {
        if (!CanBeBase(baseRaw)) throw new CorruptDataException("delta names a base that cannot be one");
        int n;
        if (NativeZstd.IsAvailable)
        {
            n = NativeZstd.Decompress(delta, destination, baseRaw);
            if (n < 0) throw new CorruptDataException("delta does not decode against its base");
            if (n != destination.Length) throw new CorruptDataException("delta decodes to the wrong length");
            return;
        }
        Decompressor d = t_decompressor ??= new Decompressor();
        try
        {
            d.LoadDictionary(baseRaw);
            n = d.Unwrap(delta, destination);
        }
        catch (ZstdException)
        {
            throw new CorruptDataException("delta does not decode against its base");
        }
        if (n != destination.Length) throw new CorruptDataException("delta decodes to the wrong length");
    }
}
