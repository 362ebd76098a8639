namespace Lockbox.Repository.Format.Snapshot;

/// <summary>
/// One entry of a snapshot's delta list (FORMAT.md "Snapshot", format 2): block <see cref="Block"/> of the database is
/// stored as the delta blob DeltaId(<see cref="Base"/>, block id) against the whole block <see cref="Base"/>.
/// </summary>
internal readonly record struct DeltaEntry(long Block, BlobId Base)
{
    /// <summary>Encodes a delta list: count × (block index u64 || base id), ascending block index.</summary>
    public static byte[] Encode(IReadOnlyList<DeltaEntry> entries)
    {
        var w = new ByteWriter(entries.Count * FormatConstants.DeltaEntrySize);
        foreach (DeltaEntry e in entries)
        {
            w.U64((ulong)e.Block);
            w.Id(e.Base);
        }
        return w.ToArray();
    }

    /// <summary>Decodes a delta list; indices must ascend strictly and lie below <paramref name="blockCount"/>.</summary>
    public static DeltaEntry[] Decode(ReadOnlySpan<byte> raw, long blockCount)
    {
        if (raw.Length % FormatConstants.DeltaEntrySize != 0) throw new CorruptDataException("delta list has a partial entry");
        var entries = new DeltaEntry[raw.Length / FormatConstants.DeltaEntrySize];
        var r = new ByteReader(raw);
        long previous = -1;
        for (int i = 0; i < entries.Length; i++)
        {
            ulong block = r.U64();
            if (block >= (ulong)blockCount || (long)block <= previous) throw new CorruptDataException("delta list is out of order or out of range");
            previous = (long)block;
            entries[i] = new DeltaEntry((long)block, r.Id());
        }
        r.End();
        return entries;
    }
}
