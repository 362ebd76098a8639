using Lockbox.Repository.Format.Pack;

namespace Lockbox.Repository.Format.Index;

/// <summary>
/// Where a pack's blobs lie, for <see cref="MasterIndex"/>: a pack written as Lockbox writes them (each blob right after the
/// one before, sealed length = its payload padded by Padmé + AEAD overhead, as <see cref="Pack.PackWriter"/> seals them)
/// keeps one offset per <see cref="Stride"/> entries and derives the rest from the payload lengths; any other pack keeps
/// every entry's offset and sealed length. The pack's first entry is at <see cref="FirstOrdinal"/> in the index's
/// <see cref="EntryFieldStore"/>.
/// </summary>
internal sealed class PackLayout
{
    public const int Stride = 16;

    private readonly uint[] _offsets;      // regular: offsets of entries 0, Stride, 2 Stride, ...; else every entry's
    private readonly uint[]? _sealed;      // null when regular

    private PackLayout(int firstOrdinal, uint[] offsets, uint[]? sealedLengths)
    {
        FirstOrdinal = firstOrdinal;
        _offsets = offsets;
        _sealed = sealedLengths;
    }

    public int FirstOrdinal { get; }

    /// <summary>Whether the pack is laid out as Lockbox writes packs (one offset kept per <see cref="Stride"/> entries).</summary>
    public bool IsRegular => _sealed is null;

    /// <summary>The layout of a pack's <paramref name="entries"/>, whose fields are stored from <paramref name="firstOrdinal"/>.</summary>
    public static PackLayout Of(int firstOrdinal, ReadOnlySpan<PackEntry> entries)
    {
        bool regular = true;
        for (int j = 0; j < entries.Length && regular; j++)
        {
            if (entries[j].PayloadLength > int.MaxValue || entries[j].SealedLength != SealedLengthOf(entries[j].PayloadLength)) regular = false;
            else if (j % Stride != 0 && (long)entries[j - 1].Offset + entries[j - 1].SealedLength != entries[j].Offset) regular = false;
        }
        if (regular)
        {
            var checkpoints = new uint[(entries.Length + Stride - 1) / Stride];
            for (int k = 0; k < checkpoints.Length; k++) checkpoints[k] = entries[k * Stride].Offset;
            return new PackLayout(firstOrdinal, checkpoints, null);
        }
        var offsets = new uint[entries.Length];
        var sealedLengths = new uint[entries.Length];
        for (int j = 0; j < entries.Length; j++)
        {
            offsets[j] = entries[j].Offset;
            sealedLengths[j] = entries[j].SealedLength;
        }
        return new PackLayout(firstOrdinal, offsets, sealedLengths);
    }

    /// <summary>The whole entry <paramref name="entry"/> of this pack, whose id is <paramref name="id"/>.</summary>
    public PackEntry EntryAt(BlobId id, int entry, EntryFieldStore fields)
    {
        ulong f = fields[FirstOrdinal + entry];
        uint offset, sealedLength;
        if (_sealed is not null)
        {
            offset = _offsets[entry];
            sealedLength = _sealed[entry];
        }
        else
        {
            int k = entry / Stride;
            long at = _offsets[k];
            for (int j = k * Stride; j < entry; j++) at += SealedLengthOf(EntryFields.PayloadLength(fields[FirstOrdinal + j]));
            offset = (uint)at;
            sealedLength = SealedLengthOf(EntryFields.PayloadLength(f));
        }
        return new PackEntry(id, offset, sealedLength, EntryFields.PayloadLength(f), EntryFields.RawLength(f), EntryFields.Compression(f));
    }

    /// <summary>A blob's sealed length in a pack Lockbox wrote: its payload padded by Padmé, plus the AEAD overhead.</summary>
    private static uint SealedLengthOf(uint payloadLength) => (uint)Chunking.Padme.PaddedLength((int)payloadLength) + Cryptography.Aead.Overhead;
}
