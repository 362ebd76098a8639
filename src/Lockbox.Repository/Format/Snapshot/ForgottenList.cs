namespace Lockbox.Repository.Format.Snapshot;

/// <summary>One forgotten snapshot as a forgotten-snapshots object records it: its place in the chain, not its content.</summary>
internal readonly record struct ForgottenSnapshot(long Sequence, BlobId Id, BlobId Previous);

/// <summary>
/// A forgotten-snapshots object (FORMAT.md "Forgotten snapshots", issue 13): metadata envelope of type 'F' around
/// count u32 || count × (sequence u64 || snapshot id (32) || previous id (32)), ascending sequence. It lets a reader
/// check the chain across snapshots that <c>forget</c> removed from the middle (per source, or by id). No I/O.
/// </summary>
internal static class ForgottenList
{
    private const int EntrySize = 8 + 2 * BlobId.Size;

    public static byte[] Encode(RepositoryKeys keys, IReadOnlyList<ForgottenSnapshot> entries)
    {
        var w = new ByteWriter(4 + entries.Count * EntrySize);
        w.U32((uint)entries.Count);
        foreach (ForgottenSnapshot e in entries.OrderBy(e => e.Sequence))
        {
            w.U64((ulong)e.Sequence);
            w.Id(e.Id);
            w.Id(e.Previous);
        }
        return MetadataEnvelope.Seal(keys, FormatConstants.TypeForgotten, w.Written);
    }

    public static List<ForgottenSnapshot> Decode(RepositoryKeys keys, ReadOnlySpan<byte> data)
    {
        byte[] payload = MetadataEnvelope.Open(keys, FormatConstants.TypeForgotten, data);
        var r = new ByteReader(payload);
        int n = r.Count(EntrySize);
        var entries = new List<ForgottenSnapshot>(n);
        long previous = 0;
        for (int i = 0; i < n; i++)
        {
            long sequence = (long)r.U64();
            BlobId id = r.Id();
            BlobId before = r.Id();
            if (sequence <= previous || (sequence == 1) != before.IsZero) throw new CorruptDataException("forgotten snapshot list is out of order or inconsistent");
            previous = sequence;
            entries.Add(new ForgottenSnapshot(sequence, id, before));
        }
        r.End();
        return entries;
    }
}
