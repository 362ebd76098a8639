using Lockbox.Repository.Format.Pack;

namespace Lockbox.Repository.Format.Index;

/// <summary>
/// An index object's payload (FORMAT.md "Index"): pack count u32 || per pack: pack id (32) || pack length u64 ||
/// entry count u32 || entries (as in the pack header). No I/O.
/// </summary>
internal static class IndexFile
{
    public static byte[] Encode(RepositoryKeys keys, IReadOnlyCollection<PackRecord> packs)
    {
        var w = new ByteWriter(64 + packs.Sum(p => 44 + p.Entries.Length * PackEntry.EncodedSize));
        w.U32((uint)packs.Count);
        foreach (PackRecord p in packs)
        {
            w.Id(p.Id);
            w.U64((ulong)p.Length);
            w.U32((uint)p.Entries.Length);
            foreach (PackEntry e in p.Entries) e.Write(w);
        }
        return MetadataEnvelope.Seal(keys, FormatConstants.TypeIndex, w.Written);
    }

    public static List<PackRecord> Decode(RepositoryKeys keys, ReadOnlySpan<byte> data)
    {
        byte[] payload = MetadataEnvelope.Open(keys, FormatConstants.TypeIndex, data);
        var r = new ByteReader(payload);
        int count = r.Count(44);
        var packs = new List<PackRecord>(count);
        for (int i = 0; i < count; i++)
        {
            BlobId id = r.Id();
            long length = (long)r.U64();
            int n = r.Count(PackEntry.EncodedSize);
            var entries = new PackEntry[n];
            long headerStart = length - 4 - Cryptography.Aead.Overhead;
            for (int j = 0; j < n; j++)
            {
                entries[j] = PackEntry.Read(ref r);
                entries[j].CheckBounds(headerStart);
            }
            packs.Add(new PackRecord(id, length, entries));
        }
        r.End();
        return packs;
    }
}
