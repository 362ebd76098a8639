namespace Lockbox.Repository.Format.Pack;

/// <summary>
/// One blob's entry in a pack header and in the index (FORMAT.md "Pack header"):
/// id (32) || offset u32 || sealed length u32 || payload length u32 || raw length u32 || compression u8.
/// </summary>
internal readonly record struct PackEntry(BlobId Id, uint Offset, uint SealedLength, uint PayloadLength, uint RawLength, byte Compression)
{
    public const int EncodedSize = BlobId.Size + 4 * 4 + 1;
    public const int MaxRawLength = 64 << 20;

    public void Write(ByteWriter w)
    {
        w.Id(Id);
        w.U32(Offset);
        w.U32(SealedLength);
        w.U32(PayloadLength);
        w.U32(RawLength);
        w.U8(Compression);
    }

    public static PackEntry Read(ref ByteReader r)
    {
        var e = new PackEntry(r.Id(), r.U32(), r.U32(), r.U32(), r.U32(), r.U8());
        if (e.Compression > FormatConstants.CompressionDelta) throw new CorruptDataException("unknown compression");
        if (e.RawLength > MaxRawLength || e.SealedLength < Cryptography.Aead.Overhead
            || e.PayloadLength > e.SealedLength - Cryptography.Aead.Overhead
            || (e.Compression == FormatConstants.CompressionNone && e.PayloadLength != e.RawLength))
            throw new CorruptDataException("blob entry lengths are inconsistent");
        return e;
    }

    /// <summary>Entries must lie between the salt and the header, without overlap checks beyond bounds.</summary>
    public void CheckBounds(long headerStart)
    {
        if (Offset < FormatConstants.PackSaltSize || (long)Offset + SealedLength > headerStart)
            throw new CorruptDataException("blob entry points outside the pack");
    }
}
