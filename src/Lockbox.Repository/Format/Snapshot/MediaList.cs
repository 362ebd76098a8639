namespace Lockbox.Repository.Format.Snapshot;

/// <summary>
/// The media list (FORMAT.md "Media list"): count u32 || per file: path str || size u64 || mtime ticks i64 ||
/// file id (32) || piece count u32 || piece ids. Stored cut into 256 KiB blobs. No I/O.
/// </summary>
internal static class MediaList
{
    public static byte[] Encode(IReadOnlyList<MediaEntry> files)
    {
        var w = new ByteWriter(64 + files.Sum(f => 64 + f.Path.Length * 3 + f.Pieces.Length * BlobId.Size));
        w.U32((uint)files.Count);
        foreach (MediaEntry f in files)
        {
            w.Str(f.Path);
            w.U64((ulong)f.Size);
            w.I64(f.ModifiedTicks);
            w.Id(f.FileId);
            w.U32((uint)f.Pieces.Length);
            foreach (BlobId id in f.Pieces) w.Id(id);
        }
        return w.ToArray();
    }

    public static List<MediaEntry> Decode(ReadOnlySpan<byte> data, int pieceSize)
    {
        var r = new ByteReader(data);
        int count = r.Count(56);
        var files = new List<MediaEntry>(count);
        var seen = new HashSet<string>(StringComparer.Ordinal);
        for (int i = 0; i < count; i++)
        {
            string path = r.Str();
            long size = (long)r.U64();
            long ticks = r.I64();
            BlobId fileId = r.Id();
            int n = r.Count(BlobId.Size);
            var pieces = new BlobId[n];
            for (int j = 0; j < n; j++) pieces[j] = r.Id();
            if (!IsSafeRelativePath(path) || !seen.Add(path)) throw new CorruptDataException("media list has an unsafe or duplicate path");
            if (size < 0 || n != (size + pieceSize - 1) / pieceSize) throw new CorruptDataException("media entry size and pieces disagree");
            files.Add(new MediaEntry(path, size, ticks, fileId, pieces));
        }
        r.End();
        return files;
    }

    /// <summary>A path a restore may create under target/media: relative, '/'-separated, no empty, "." or ".." parts, no NUL or backslash.</summary>
    public static bool IsSafeRelativePath(string path) =>
        path.Length > 0 && !path.StartsWith('/') && !path.Contains('\\') && !path.Contains('\0')
        && path.Split('/').All(part => part is not ("" or "." or ".."));
}
