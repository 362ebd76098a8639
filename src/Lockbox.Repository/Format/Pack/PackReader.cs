using System.Buffers.Binary;
using Lockbox.Cryptography;

namespace Lockbox.Repository.Format.Pack;

/// <summary>Reads packs (FORMAT.md "Pack"); every failure is a <see cref="CorruptDataException"/>. No I/O.</summary>
internal static class PackReader
{
    /// <summary>Decrypts and checks the header of a whole pack.</summary>
    public static PackEntry[] ReadHeader(RepositoryKeys keys, ReadOnlySpan<byte> pack)
    {
        byte[] header = new byte[HeaderLength(pack)];
        using var cipher = new PackCipher(keys, pack[..FormatConstants.PackSaltSize]);
        ReadOnlySpan<byte> listed = OpenHeader(cipher, pack, header);
        long headerStart = HeaderStart(pack, header.Length);
        var entries = new PackEntry[BinaryPrimitives.ReadUInt32LittleEndian(listed)];
        for (int i = 0; i < entries.Length; i++) entries[i] = EntryAt(listed, i, headerStart);
        return entries;
    }

    /// <summary>The length of a pack's header plaintext (version || count || entries), from its trailing length field.</summary>
    public static int HeaderLength(ReadOnlySpan<byte> pack)
    {
        if (pack.Length < FormatConstants.PackSaltSize + 4 + Aead.Overhead) throw new CorruptDataException("truncated pack");
        uint sealedLength = BinaryPrimitives.ReadUInt32LittleEndian(pack[^4..]);
        if (sealedLength < Aead.Overhead || pack.Length - 4L - sealedLength < FormatConstants.PackSaltSize) throw new CorruptDataException("pack header length is invalid");
        return (int)sealedLength - Aead.Overhead;
    }

    /// <summary>
    /// Decrypts a whole pack's header into <paramref name="header"/> (exactly <see cref="HeaderLength"/> bytes), checks its
    /// version and that its entry count fits, and returns the entries' bytes: count u32 || count × entry, the same bytes
    /// an index object lists for the pack (compare them with <see cref="EntriesDigest"/>). Decode one with <see cref="EntryAt"/>.
    /// </summary>
    public static ReadOnlySpan<byte> OpenHeader(PackCipher cipher, ReadOnlySpan<byte> pack, Span<byte> header)
    {
        int length = HeaderLength(pack);
        if (header.Length != length) throw new ArgumentException("The header buffer must have the header's length.", nameof(header));
        if (!cipher.TryOpen(pack.Slice((int)HeaderStart(pack, length), length + Aead.Overhead), FormatConstants.PackHeaderAd, header))
            throw new CorruptDataException("pack header authentication failed (tampered or truncated)");
        if (header.IsEmpty) throw new CorruptDataException("pack header is empty");
        if (header[0] != FormatConstants.Version) throw new CorruptDataException($"unsupported pack version {header[0]}");
        ReadOnlySpan<byte> entries = header[1..];
        if (entries.Length < 4 || (long)BinaryPrimitives.ReadUInt32LittleEndian(entries) * PackEntry.EncodedSize != entries.Length - 4)
            throw new CorruptDataException("pack header has the wrong length for its entries");
        return entries;
    }

    /// <summary>
    /// As <see cref="OpenHeader"/> into the start of <paramref name="buffer"/> (at least <see cref="HeaderLength"/> bytes), and
    /// checks that the header lists exactly the entries an index listed for the pack: the SHA-256 of its entries' bytes
    /// equals <paramref name="indexedDigest"/> (<see cref="EntriesDigest"/> of the indexed entries). Gives where the header
    /// starts, for <see cref="EntryAt"/>.
    /// </summary>
    public static ReadOnlySpan<byte> OpenIndexedHeader(PackCipher cipher, ReadOnlySpan<byte> pack, Span<byte> buffer, ReadOnlySpan<byte> indexedDigest, out long headerStart)
    {
        int length = HeaderLength(pack);
        if (buffer.Length < length) throw new ArgumentException("The buffer is shorter than the pack's header.", nameof(buffer));
        ReadOnlySpan<byte> entries = OpenHeader(cipher, pack, buffer[..length]);
        if (!System.Security.Cryptography.CryptographicOperations.FixedTimeEquals(System.Security.Cryptography.SHA256.HashData(entries), indexedDigest))
            throw new CorruptDataException("header differs from the index");
        headerStart = HeaderStart(pack, length);
        return entries;
    }

    /// <summary>Where a pack's sealed header starts, given its plaintext length (see <see cref="HeaderLength"/>).</summary>
    private static long HeaderStart(ReadOnlySpan<byte> pack, int headerLength) => pack.Length - 4L - headerLength - Aead.Overhead;

    /// <summary>Entry <paramref name="index"/> of a header's entries bytes (see <see cref="OpenHeader"/>), checked as a pack header's entries are.</summary>
    public static PackEntry EntryAt(ReadOnlySpan<byte> entries, int index, long headerStart)
    {
        if ((uint)index >= BinaryPrimitives.ReadUInt32LittleEndian(entries)) throw new CorruptDataException("pack header has fewer entries than the index");
        var r = new ByteReader(entries.Slice(4 + index * PackEntry.EncodedSize, PackEntry.EncodedSize));
        PackEntry entry = PackEntry.Read(ref r);
        entry.CheckBounds(headerStart);
        return entry;
    }

    /// <summary>
    /// SHA-256 of count u32 || the entries encoded as in a pack header: equal to the SHA-256 of a pack's header entries
    /// (see <see cref="OpenHeader"/>) exactly when the header lists these entries in this order.
    /// </summary>
    public static byte[] EntriesDigest(ReadOnlySpan<PackEntry> entries)
    {
        var w = new ByteWriter(4 + entries.Length * PackEntry.EncodedSize);
        w.U32((uint)entries.Length);
        foreach (ref readonly PackEntry e in entries) e.Write(w);
        return System.Security.Cryptography.SHA256.HashData(w.Written);
    }

    /// <summary>
    /// Opens one sealed blob into <paramref name="raw"/> (exactly RawLength bytes) and checks that its keyed hash is its id.
    /// A delta blob (compression 2) cannot be opened alone: use <see cref="OpenDelta"/>.
    /// </summary>
    public static void OpenBlob(RepositoryKeys keys, PackCipher cipher, in PackEntry entry, ReadOnlySpan<byte> sealedBlob, Span<byte> raw)
        => OpenBlob(keys, cipher, entry, sealedBlob, raw, null);

    /// <summary>
    /// As <see cref="OpenBlob(RepositoryKeys, PackCipher, in PackEntry, ReadOnlySpan{byte}, Span{byte})"/>, decrypting into
    /// <paramref name="frame"/> when it is long enough (the caller's buffer, wiped here after use) instead of a pooled array:
    /// a restore keeps a few of its own rather than one 1 MiB media frame cached per pool thread.
    /// </summary>
    public static void OpenBlob(RepositoryKeys keys, PackCipher cipher, in PackEntry entry, ReadOnlySpan<byte> sealedBlob, Span<byte> raw, byte[]? frame)
    {
        if (entry.Compression == FormatConstants.CompressionDelta)
            throw new CorruptDataException($"blob {entry.Id.ToHex()[..16]} is a delta where a whole block was expected");
        if (sealedBlob.Length != entry.SealedLength || raw.Length != entry.RawLength) throw new CorruptDataException("blob is truncated");
        int frameLength = (int)entry.SealedLength - Aead.Overhead;
        bool own = frame is null || frame.Length < frameLength;
        if (own) frame = OpenFrame(cipher, entry, sealedBlob);
        else OpenFrameInto(cipher, entry, sealedBlob, frame.AsSpan(0, frameLength));
        try
        {
            ReadOnlySpan<byte> payload = frame!.AsSpan(0, (int)entry.PayloadLength);
            if (entry.Compression == FormatConstants.CompressionZstd) Compression.Decompress(payload, raw);
            else payload.CopyTo(raw);
        }
        finally
        {
            if (own) ReturnFrame(frame!, entry);
            else System.Security.Cryptography.CryptographicOperations.ZeroMemory(frame.AsSpan(0, frameLength));
        }
        if (keys.ComputeId(raw) != entry.Id) throw new CorruptDataException($"blob {entry.Id.ToHex()[..16]} does not match its id");
    }

    private static void OpenFrameInto(PackCipher cipher, in PackEntry entry, ReadOnlySpan<byte> sealedBlob, Span<byte> frame)
    {
        Span<byte> ad = stackalloc byte[BlobId.Size];
        entry.Id.CopyTo(ad);
        if (!cipher.TryOpen(sealedBlob, ad, frame))
        {
            System.Security.Cryptography.CryptographicOperations.ZeroMemory(frame);
            throw new CorruptDataException($"blob {entry.Id.ToHex()[..16]} failed authentication (tampered)");
        }
    }

    /// <summary>
    /// Opens a delta blob and returns its payload (the zstd frame, a new array) after authenticating it; the caller
    /// applies it to the base with <see cref="ApplyDelta"/>, which checks the rebuilt block against its id.
    /// </summary>
    public static byte[] OpenDeltaPayload(PackCipher cipher, in PackEntry entry, ReadOnlySpan<byte> sealedBlob)
    {
        if (entry.Compression != FormatConstants.CompressionDelta)
            throw new CorruptDataException($"blob {entry.Id.ToHex()[..16]} is not a delta");
        if (sealedBlob.Length != entry.SealedLength) throw new CorruptDataException("blob is truncated");
        byte[] frame = OpenFrame(cipher, entry, sealedBlob);
        try
        {
            return frame.AsSpan(0, (int)entry.PayloadLength).ToArray();
        }
        finally
        {
            ReturnFrame(frame, entry);
        }
    }

    /// <summary>
    /// Rebuilds block <paramref name="blockId"/> from a delta payload and its base's raw bytes into <paramref name="raw"/>,
    /// and checks that the keyed hash of the result is <paramref name="blockId"/>.
    /// </summary>
    public static void ApplyDelta(RepositoryKeys keys, ReadOnlySpan<byte> payload, ReadOnlySpan<byte> baseRaw, BlobId blockId, Span<byte> raw)
    {
        DeltaCodec.Decode(payload, baseRaw, raw);
        if (keys.ComputeId(raw) != blockId) throw new CorruptDataException($"block {blockId.ToHex()[..16]} rebuilt from its delta does not match its id");
    }

    /// <summary>Opens a delta blob and rebuilds its block (see <see cref="OpenDeltaPayload"/> and <see cref="ApplyDelta"/>).</summary>
    public static void OpenDelta(RepositoryKeys keys, PackCipher cipher, in PackEntry entry, ReadOnlySpan<byte> sealedBlob,
        ReadOnlySpan<byte> baseRaw, BlobId blockId, Span<byte> raw)
    {
        if (raw.Length != entry.RawLength) throw new CorruptDataException("blob is truncated");
        byte[] payload = OpenDeltaPayload(cipher, entry, sealedBlob);
        ApplyDelta(keys, payload, baseRaw, blockId, raw);
    }

    private static byte[] OpenFrame(PackCipher cipher, in PackEntry entry, ReadOnlySpan<byte> sealedBlob)
    {
        int frameLength = (int)entry.SealedLength - Aead.Overhead;
        byte[] frame = System.Buffers.ArrayPool<byte>.Shared.Rent(frameLength);
        Span<byte> ad = stackalloc byte[BlobId.Size];
        entry.Id.CopyTo(ad);
        if (!cipher.TryOpen(sealedBlob, ad, frame.AsSpan(0, frameLength)))
        {
            ReturnFrame(frame, entry);
            throw new CorruptDataException($"blob {entry.Id.ToHex()[..16]} failed authentication (tampered)");
        }
        return frame;
    }

    private static void ReturnFrame(byte[] frame, in PackEntry entry)
    {
        System.Security.Cryptography.CryptographicOperations.ZeroMemory(frame.AsSpan(0, (int)entry.SealedLength - Aead.Overhead));
        System.Buffers.ArrayPool<byte>.Shared.Return(frame);
    }
}
