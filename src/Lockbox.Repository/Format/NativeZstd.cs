using System.Runtime.InteropServices;

namespace Lockbox.Repository.Format;

/// <summary>
/// The platform's own zstd library (libzstd.so.1 on Linux, libzstd.1.dylib on macOS) for the hot paths: database
/// blocks, deltas and list pieces. It produces and reads the same zstd frames as the managed port (ZstdSharp), which
/// stays the fallback where no system library is found (Windows, phones). Measured on restore: the managed decoder's
/// large methods cost ~0.3 s of JIT per process and decode ~2x slower. One context per thread; no I/O.
/// </summary>
internal static unsafe class NativeZstd
{
    private static readonly delegate* unmanaged<nint> CreateCCtx;
    private static readonly delegate* unmanaged<nint, nuint> FreeCCtx;
    private static readonly delegate* unmanaged<nint, byte*, nuint, byte*, nuint, int, nuint> CompressCCtx;
    private static readonly delegate* unmanaged<nint, byte*, nuint, byte*, nuint, byte*, nuint, int, nuint> CompressUsingDict;
    private static readonly delegate* unmanaged<nint> CreateDCtx;
    private static readonly delegate* unmanaged<nint, nuint> FreeDCtx;
    private static readonly delegate* unmanaged<nint, byte*, nuint, byte*, nuint, nuint> DecompressDCtx;
    private static readonly delegate* unmanaged<nint, byte*, nuint, byte*, nuint, byte*, nuint, nuint> DecompressUsingDict;
    private static readonly delegate* unmanaged<nuint, uint> IsError;

    [ThreadStatic] private static Context? t_compressor;
    [ThreadStatic] private static Context? t_decompressor;

    static NativeZstd()
    {
        string[] names = OperatingSystem.IsLinux() ? ["libzstd.so.1"] : OperatingSystem.IsMacOS() ? ["libzstd.1.dylib", "libzstd.dylib"] : [];
        foreach (string name in names)
        {
            if (!NativeLibrary.TryLoad(name, out nint lib)) continue;
            if (!TryGet(lib, "ZSTD_createCCtx", out nint cc) || !TryGet(lib, "ZSTD_freeCCtx", out nint fc)
                || !TryGet(lib, "ZSTD_compressCCtx", out nint c) || !TryGet(lib, "ZSTD_compress_usingDict", out nint cd)
                || !TryGet(lib, "ZSTD_createDCtx", out nint cdx) || !TryGet(lib, "ZSTD_freeDCtx", out nint fd)
                || !TryGet(lib, "ZSTD_decompressDCtx", out nint d) || !TryGet(lib, "ZSTD_decompress_usingDict", out nint dd)
                || !TryGet(lib, "ZSTD_isError", out nint e))
                continue;
            CreateCCtx = (delegate* unmanaged<nint>)cc;
            FreeCCtx = (delegate* unmanaged<nint, nuint>)fc;
            CompressCCtx = (delegate* unmanaged<nint, byte*, nuint, byte*, nuint, int, nuint>)c;
            CompressUsingDict = (delegate* unmanaged<nint, byte*, nuint, byte*, nuint, byte*, nuint, int, nuint>)cd;
            CreateDCtx = (delegate* unmanaged<nint>)cdx;
            FreeDCtx = (delegate* unmanaged<nint, nuint>)fd;
            DecompressDCtx = (delegate* unmanaged<nint, byte*, nuint, byte*, nuint, nuint>)d;
            DecompressUsingDict = (delegate* unmanaged<nint, byte*, nuint, byte*, nuint, byte*, nuint, nuint>)dd;
            IsError = (delegate* unmanaged<nuint, uint>)e;
            IsAvailable = true;
            return;
        }
    }

    private static bool TryGet(nint lib, string name, out nint address) => NativeLibrary.TryGetExport(lib, name, out address);

    /// <summary>Whether the system library was found (otherwise callers use the managed port).</summary>
    public static bool IsAvailable { get; }

    /// <summary>Compresses at <paramref name="level"/>, with <paramref name="dictionary"/> as raw content when it is not empty; returns the length.</summary>
    public static int Compress(ReadOnlySpan<byte> source, Span<byte> destination, int level, ReadOnlySpan<byte> dictionary = default)
    {
        nint cctx = (t_compressor ??= new Context(CreateCCtx(), compress: true)).Handle;
        nuint n;
        fixed (byte* src = source)
        fixed (byte* dst = destination)
        fixed (byte* dict = dictionary)
        {
            n = dictionary.IsEmpty
                ? CompressCCtx(cctx, dst, (nuint)destination.Length, src, (nuint)source.Length, level)
                : CompressUsingDict(cctx, dst, (nuint)destination.Length, src, (nuint)source.Length, dict, (nuint)dictionary.Length, level);
        }
        if (IsError(n) != 0) throw new InvalidOperationException("zstd compression failed (destination smaller than the bound?).");
        return (int)n;
    }

    /// <summary>Decompresses into <paramref name="destination"/>; returns the length, or -1 when the input does not decode or does not fit.</summary>
    public static int Decompress(ReadOnlySpan<byte> source, Span<byte> destination, ReadOnlySpan<byte> dictionary = default)
    {
        nint dctx = (t_decompressor ??= new Context(CreateDCtx(), compress: false)).Handle;
        nuint n;
        fixed (byte* src = source)
        fixed (byte* dst = destination)
        fixed (byte* dict = dictionary)
        {
            n = dictionary.IsEmpty
                ? DecompressDCtx(dctx, dst, (nuint)destination.Length, src, (nuint)source.Length)
                : DecompressUsingDict(dctx, dst, (nuint)destination.Length, src, (nuint)source.Length, dict, (nuint)dictionary.Length);
        }
        return IsError(n) != 0 ? -1 : (int)n;
    }

    /// <summary>A thread's zstd context, freed with the thread's last reference.</summary>
    private sealed class Context(nint handle, bool compress)
    {
        public nint Handle { get; } = handle != 0 ? handle : throw new OutOfMemoryException("zstd could not allocate a context.");

        ~Context()
        {
            if (compress) FreeCCtx(Handle);
            else FreeDCtx(Handle);
        }
    }
}
