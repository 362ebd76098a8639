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
    /// </summary>
    public static void OpenBlob(RepositoryKeys keys, PackCipher cipher, in PackEntry entry, ReadOnlySpan<byte> sealedBlob, Span<byte> raw)
    {
        if (sealedBlob.Length != entry.SealedLength || raw.Length != entry.RawLength) throw new CorruptDataException("blob is truncated");
        int frameLength = (int)entry.SealedLength - Aead.Overhead;
        byte[] frame = System.Buffers.ArrayPool<byte>.Shared.Rent(frameLength);
        try
        {
            Span<byte> ad = stackalloc byte[BlobId.Size];
            entry.Id.CopyTo(ad);
            if (!cipher.TryOpen(sealedBlob, ad, frame.AsSpan(0, frameLength)))
                throw new CorruptDataException($"blob {entry.Id.ToHex()[..16]} failed authentication (tampered)");
            ReadOnlySpan<byte> payload = frame.AsSpan(0, (int)entry.PayloadLength);
            if (entry.Compression == FormatConstants.CompressionZstd) Compression.Decompress(payload, raw);
            else payload.CopyTo(raw);
        }
        finally
        {
            System.Security.Cryptography.CryptographicOperations.ZeroMemory(frame.AsSpan(0, frameLength));
            System.Buffers.ArrayPool<byte>.Shared.Return(frame);
        }
        if (keys.ComputeId(raw) != entry.Id) throw new CorruptDataException($"blob {entry.Id.ToHex()[..16]} does not match its id");
    }
}
