using Lockbox.Cryptography;

namespace Lockbox.Repository.Format;

/// <summary>
/// The envelope of index, snapshot and lock objects (FORMAT.md "Metadata objects"):
/// object = version (1) || type (1) || AEAD(metadata key, zstd(payload), ad = version || type).
/// </summary>
internal static class MetadataEnvelope
{
    public static byte[] Seal(RepositoryKeys keys, byte type, ReadOnlySpan<byte> payload, byte version = FormatConstants.Version)
    {
        // Compressed into a buffer of its own, wiped and dropped when sealed, not one from the shared ArrayPool: an index
        // object of 16 packs needs a few MiB here, and the pool keeps a returned array in the returning thread's slot, so a
        // backup that flushed its index from ever other pool threads kept one such array per thread (19 MiB of the large-
        // object heap at the end of a 4 GiB first backup; docs/PERFORMANCE.md, "Backup memory at 4 GiB, continued").
        byte[] compressed = GC.AllocateUninitializedArray<byte>(Compression.Bound(payload.Length));
        try
        {
            int n = Compression.Compress(payload, compressed);
            byte[] output = new byte[2 + n + Aead.Overhead];
            output[0] = version;
            output[1] = type;
            Aead.Seal(keys.MetadataKey, compressed.AsSpan(0, n), output.AsSpan(0, 2), output.AsSpan(2));
            return output;
        }
        finally
        {
            System.Security.Cryptography.CryptographicOperations.ZeroMemory(compressed);
        }
    }

    public static byte[] Open(RepositoryKeys keys, byte expectedType, ReadOnlySpan<byte> data) =>
        Open(keys, expectedType, data, FormatConstants.Version, out _);

    /// <summary>
    /// As <see cref="Open(RepositoryKeys, byte, ReadOnlySpan{byte})"/>, into buffers the caller reuses from object to object
    /// (grown when too short): <paramref name="compressed"/> takes the decrypted frame, <paramref name="payload"/> the
    /// payload, whose length is returned. Loading the index opens hundreds of objects: two fresh copies of each were most
    /// of what loading allocated (docs/PERFORMANCE.md, "The index at 40 bytes a blob").
    /// </summary>
    public static int Open(RepositoryKeys keys, byte expectedType, ReadOnlySpan<byte> data, ref byte[] compressed, ref byte[] payload)
    {
        CheckHeader(expectedType, data, FormatConstants.Version);
        int frameLength = data.Length - 2 - Aead.Overhead;
        Grow(ref compressed, frameLength);
        if (!Aead.TryOpen(keys.MetadataKey, data[2..], data[..2], compressed.AsSpan(0, frameLength)))
            throw new CorruptDataException("authentication failed (tampered, or not written with this key)");
        ReadOnlySpan<byte> frame = compressed.AsSpan(0, frameLength);
        int size = Compression.FrameSize(frame, maxSize: 1 << 30);
        Grow(ref payload, size);
        Compression.Decompress(frame, payload.AsSpan(0, size));
        return size;
    }

    private static void Grow(ref byte[] buffer, int length)
    {
        // Doubling: a run of growing objects reallocates a few times, not once per object.
        if (buffer.Length < length) buffer = new byte[(int)Math.Min(Math.Max(length, 2L * buffer.Length), Array.MaxLength)];
    }

    private static void CheckHeader(byte expectedType, ReadOnlySpan<byte> data, byte maxVersion)
    {
        if (data.Length < 2 + Aead.Overhead) throw new CorruptDataException("truncated");
        if (data[0] < FormatConstants.Version || data[0] > maxVersion) throw new CorruptDataException($"unsupported format version {data[0]}");
        if (data[1] != expectedType) throw new CorruptDataException("wrong object type");
    }

    /// <summary>Opens an object whose envelope version is 1 to <paramref name="maxVersion"/> (snapshots: 2 in format 2).</summary>
    public static byte[] Open(RepositoryKeys keys, byte expectedType, ReadOnlySpan<byte> data, byte maxVersion, out byte version)
    {
        CheckHeader(expectedType, data, maxVersion);
        version = data[0];
        byte[]? compressed = Aead.Open(keys.MetadataKey, data[2..], data[..2]);
        if (compressed is null) throw new CorruptDataException("authentication failed (tampered, or not written with this key)");
        return Compression.DecompressFrame(compressed, maxSize: 1 << 30);
    }
}
