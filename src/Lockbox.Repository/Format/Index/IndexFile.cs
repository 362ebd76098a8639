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

    /// <summary>
    /// An index object's packs with their entries, decoded the way loading decodes it (<see cref="MetadataEnvelope.Open(RepositoryKeys, byte, ReadOnlySpan{byte}, ref byte[], ref byte[])"/>,
    /// <see cref="AddTo"/>, <see cref="MasterIndex.Packs"/>): the one path the fuzz target and loading share. A pack listed
    /// twice is returned once.
    /// </summary>
    public static List<PackRecord> Decode(RepositoryKeys keys, ReadOnlySpan<byte> data)
    {
        byte[] compressed = [], payload = [];
        int n = MetadataEnvelope.Open(keys, FormatConstants.TypeIndex, data, ref compressed, ref payload);
        var index = new MasterIndex();
        PackEntry[] scratch = [];
        AddTo(index, "index", payload.AsSpan(0, n), ref scratch);
        index.Compact();
        return [.. index.Packs];
    }

    /// <summary>
    /// Adds every pack an index object's <paramref name="payload"/> lists to <paramref name="index"/> (see
    /// <see cref="MasterIndex.AddLoaded"/>), with each pack's entries digest taken from the payload's own bytes. The whole
    /// payload is checked first, so a malformed object adds nothing. <paramref name="scratch"/> holds one pack's entries
    /// at a time and is reused from object to object. No I/O.
    /// </summary>
    public static void AddTo(MasterIndex index, string name, ReadOnlySpan<byte> payload, ref PackEntry[] scratch)
    {
        var check = new ByteReader(payload);
        int count = check.Count(44);
        for (int i = 0; i < count; i++)
        {
            check.Id();
            long length = (long)check.U64();
            int n = check.Count(PackEntry.EncodedSize);
            long headerStart = length - 4 - Cryptography.Aead.Overhead;
            for (int j = 0; j < n; j++) PackEntry.Read(ref check).CheckBounds(headerStart);
        }
        check.End();

        var r = new ByteReader(payload);
        r.Count(44);
        for (int i = 0; i < count; i++)
        {
            BlobId id = r.Id();
            long length = (long)r.U64();
            int listed = payload.Length - r.Remaining;   // count u32 || entries: the bytes a pack header holds for them
            int n = r.Count(PackEntry.EncodedSize);
            if (scratch.Length < n) scratch = new PackEntry[Math.Max(n, 2 * scratch.Length)];
            for (int j = 0; j < n; j++) scratch[j] = PackEntry.Read(ref r);
            byte[] digest = System.Security.Cryptography.SHA256.HashData(payload.Slice(listed, 4 + n * PackEntry.EncodedSize));
            index.AddLoaded(id, length, scratch.AsSpan(0, n), digest, name);
        }
    }
}
