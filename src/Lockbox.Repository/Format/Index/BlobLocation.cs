using Lockbox.Repository.Format.Pack;

namespace Lockbox.Repository.Format.Index;

/// <summary>Where a blob lives: the pack's position in <see cref="MasterIndex"/> and its entry fields (kept small: one per blob in memory).</summary>
internal readonly record struct BlobLocation(int Pack, uint Offset, uint SealedLength, uint PayloadLength, uint RawLength, byte Compression)
{
    public static BlobLocation From(int pack, in PackEntry e) => new(pack, e.Offset, e.SealedLength, e.PayloadLength, e.RawLength, e.Compression);

    public PackEntry ToEntry(BlobId id) => new(id, Offset, SealedLength, PayloadLength, RawLength, Compression);
}
