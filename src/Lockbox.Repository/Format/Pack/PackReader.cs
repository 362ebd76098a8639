using System.Buffers.Binary;
using Lockbox.Cryptography;

namespace Lockbox.Repository.Format.Pack;

/// <summary>Reads packs (FORMAT.md "Pack"); every failure is a <see cref="CorruptDataException"/>. No I/O.</summary>
internal static class PackReader
{
    /// <summary>Decrypts and checks the header of a whole pack.</summary>
    public static PackEntry[] ReadHeader(RepositoryKeys keys, ReadOnlySpan<byte> pack)
    {
        if (pack.Length < FormatConstants.PackSaltSize + 4 + Aead.Overhead) throw new CorruptDataException("truncated pack");
        uint sealedLength = BinaryPrimitives.ReadUInt32LittleEndian(pack[^4..]);
        long headerStart = pack.Length - 4L - sealedLength;
        if (sealedLength < Aead.Overhead || headerStart < FormatConstants.PackSaltSize) throw new CorruptDataException("pack header length is invalid");
        using var cipher = new PackCipher(keys, pack[..FormatConstants.PackSaltSize]);
        byte[] header = new byte[sealedLength - Aead.Overhead];
        if (!cipher.TryOpen(pack.Slice((int)headerStart, (int)sealedLength), FormatConstants.PackHeaderAd, header))
            throw new CorruptDataException("pack header authentication failed (tampered or truncated)");
        var r = new ByteReader(header);
        byte version = r.U8();
        if (version != FormatConstants.Version) throw new CorruptDataException($"unsupported pack version {version}");
        int count = r.Count(PackEntry.EncodedSize);
        var entries = new PackEntry[count];
        for (int i = 0; i < count; i++)
        {
            entries[i] = PackEntry.Read(ref r);
            entries[i].CheckBounds(headerStart);
        }
        r.End();
        return entries;
    }

    /// <summary>
    /// Opens one sealed blob into <paramref name="raw"/> (exactly RawLength bytes) and checks that its keyed hash is its id.
    /// A delta blob (compression 2) cannot be opened alone: use <see cref="OpenDelta"/>.
    /// </summary>
    public static void OpenBlob(RepositoryKeys keys, PackCipher cipher, in PackEntry entry, ReadOnlySpan<byte> sealedBlob, Span<byte> raw)
    {
        if (entry.Compression == FormatConstants.CompressionDelta)
            throw new CorruptDataException($"blob {entry.Id.ToHex()[..16]} is a delta where a whole block was expected");
        if (sealedBlob.Length != entry.SealedLength || raw.Length != entry.RawLength) throw new CorruptDataException("blob is truncated");
        byte[] frame = OpenFrame(cipher, entry, sealedBlob);
        try
        {
            ReadOnlySpan<byte> payload = frame.AsSpan(0, (int)entry.PayloadLength);
            if (entry.Compression == FormatConstants.CompressionZstd) Compression.Decompress(payload, raw);
            else payload.CopyTo(raw);
        }
        finally
        {
            ReturnFrame(frame, entry);
        }
        if (keys.ComputeId(raw) != entry.Id) throw new CorruptDataException($"blob {entry.Id.ToHex()[..16]} does not match its id");
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
