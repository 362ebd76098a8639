namespace Lockbox.Repository.Format.Snapshot;

/// <summary>
/// A snapshot manifest (FORMAT.md "Snapshot"), the commit point of a backup. The database's block list and
/// the media list are stored as blobs (in packs) and referenced here by id, so the manifest stays small.
/// Format 2 (<see cref="Version"/> 2, envelope version 2) adds the delta list: which blocks are stored as deltas, and against which base.
/// </summary>
internal sealed record SnapshotManifest(
    long Sequence,
    BlobId Previous,
    long TimeUnixMs,
    string Device,
    string DatabaseName,
    long DatabaseBytes,
    int PageSize,
    int BlockSize,
    long BlockCount,
    BlobId[] DatabaseList,
    int MediaFiles,
    long MediaBytes,
    long MediaListBytes,
    BlobId[] MediaList,
    long BytesAdded,
    long BytesStored,
    byte Version = FormatConstants.Version,
    long DeltaCount = 0,
    BlobId[]? DeltaListPieces = null,
    BlobId[]? DatabaseListBaseIds = null,
    string? MediaFolderName = null,
    string? SourcePath = null,
    string[]? TagList = null)
{
    /// <summary>The most tags one snapshot carries, and the longest tag in bytes.</summary>
    public const int MaxTags = 64, MaxTagBytes = 255;

    /// <summary>The snapshot's tags (none before issue 13).</summary>
    public string[] Tags => TagList ?? [];

    /// <summary>
    /// A tag a snapshot may carry: 1 to 255 UTF-8 bytes, no ',' (the CLI's --tag a,b means both a and b) and no control characters.
    /// </summary>
    public static bool IsValidTag(string tag) =>
        tag.Length > 0 && System.Text.Encoding.UTF8.GetByteCount(tag) <= MaxTagBytes && !tag.Contains(',') && !tag.Any(char.IsControl);

    /// <summary>The name media are restored under when the snapshot records none (every snapshot before issue 13).</summary>
    public const string DefaultMediaFolder = "media";

    /// <summary>The media folder's name as backed up (e.g. "Media", case kept): target/&lt;this&gt;/&lt;path&gt; on restore.</summary>
    public string MediaFolder => MediaFolderName ?? DefaultMediaFolder;

    /// <summary>A media folder name a snapshot may carry: one path component, not "." or "..", no '/', '\' or NUL.</summary>
    public static bool IsSafeFolderName(string name) =>
        name.Length > 0 && name is not ("." or "..") && name.IndexOfAny(['/', '\\', '\0']) < 0;

    public BlobId[] DeltaList => DeltaListPieces ?? [];

    /// <summary>Format 2: per database list piece, the whole piece it is a delta against, or zero when it is stored whole.</summary>
    public BlobId[] DatabaseListBases => DatabaseListBaseIds ?? new BlobId[DatabaseList.Length];

    public byte[] Encode(RepositoryKeys keys)
    {
        var w = new ByteWriter(256 + (DatabaseList.Length + MediaList.Length) * BlobId.Size);
        w.U64((ulong)Sequence);
        w.Id(Previous);
        w.I64(TimeUnixMs);
        w.Str(Device);
        w.Str(DatabaseName);
        w.U64((ulong)DatabaseBytes);
        w.U32((uint)PageSize);
        w.U32((uint)BlockSize);
        w.U64((ulong)BlockCount);
        w.U32((uint)DatabaseList.Length);
        foreach (BlobId id in DatabaseList) w.Id(id);
        w.U32((uint)MediaFiles);
        w.U64((ulong)MediaBytes);
        w.U64((ulong)MediaListBytes);
        w.U32((uint)MediaList.Length);
        foreach (BlobId id in MediaList) w.Id(id);
        w.U64((ulong)BytesAdded);
        w.U64((ulong)BytesStored);
        if (Version >= FormatConstants.SnapshotVersionWithDeltas)
        {
            w.U64((ulong)DeltaCount);
            w.U32((uint)DeltaList.Length);
            foreach (BlobId id in DeltaList) w.Id(id);
            foreach (BlobId id in DatabaseListBases) w.Id(id);
        }
        else if (DeltaCount != 0 || DatabaseListBases.Any(b => !b.IsZero)) throw new InvalidOperationException("A version 1 snapshot cannot hold deltas.");
        // Optional trailing field (issue 13): written only when media are not restored as "media", so every other
        // snapshot stays byte-for-byte what earlier writers produced (and earlier readers read).
        // The source path and tags (issue 13) follow it, so when they are written the media folder is written too.
        bool hasSource = SourcePath is not null || Tags.Length > 0;
        if (hasSource || (MediaFolderName is { } folder && folder != DefaultMediaFolder)) w.Str(MediaFolder);
        if (hasSource)
        {
            w.Str(SourcePath ?? "");
            w.U32((uint)Tags.Length);
            foreach (string tag in Tags) w.Str(tag);
        }
        return MetadataEnvelope.Seal(keys, FormatConstants.TypeSnapshot, w.Written, Version);
    }

    public static SnapshotManifest Decode(RepositoryKeys keys, ReadOnlySpan<byte> data)
    {
        byte[] payload = MetadataEnvelope.Open(keys, FormatConstants.TypeSnapshot, data, FormatConstants.SnapshotVersionWithDeltas, out byte version);
        var r = new ByteReader(payload);
        long sequence = (long)r.U64();
        BlobId previous = r.Id();
        long time = r.I64();
        string device = r.Str();
        string dbName = r.Str();
        long dbBytes = (long)r.U64();
        int pageSize = (int)r.U32();
        int blockSize = (int)r.U32();
        long blockCount = (long)r.U64();
        BlobId[] dbList = ReadIds(ref r);
        int mediaFiles = (int)r.U32();
        long mediaBytes = (long)r.U64();
        long mediaListBytes = (long)r.U64();
        BlobId[] mediaList = ReadIds(ref r);
        long added = (long)r.U64();
        long stored = (long)r.U64();
        long deltaCount = 0;
        BlobId[] deltaList = [];
        BlobId[]? listBases = null;
        if (version >= FormatConstants.SnapshotVersionWithDeltas)
        {
            deltaCount = (long)r.U64();
            deltaList = ReadIds(ref r);
            listBases = new BlobId[dbList.Length];
            for (int i = 0; i < listBases.Length; i++) listBases[i] = r.Id();
        }
        string? mediaFolder = r.Remaining > 0 ? r.Str() : null;
        string? sourcePath = null;
        string[]? tags = null;
        if (r.Remaining > 0)
        {
            sourcePath = r.Str();
            int n = r.Count(4);
            if (n > MaxTags) throw new CorruptDataException("snapshot has too many tags");
            tags = new string[n];
            for (int i = 0; i < n; i++) tags[i] = r.Str();
            if (tags.Any(t => !IsValidTag(t)) || tags.Distinct(StringComparer.Ordinal).Count() != n)
                throw new CorruptDataException("snapshot tags are malformed");
            if (sourcePath.Length == 0) sourcePath = null;
        }
        r.End();
        if (mediaFolder is not null && (!IsSafeFolderName(mediaFolder) || mediaFolder == dbName))
            throw new CorruptDataException("snapshot media folder name is unsafe");
        if (sequence < 1 || blockSize < 512 || blockSize > 1 << 16 || dbBytes < 0 || blockCount != (dbBytes + blockSize - 1) / blockSize
            || dbList.Length != (blockCount + FormatConstants.ListBlobIds - 1) / FormatConstants.ListBlobIds
            || mediaFiles < 0 || mediaListBytes < 0 || dbName.Length == 0 || dbName.Contains('/') || dbName is "." or ".."
            || (sequence == 1) != previous.IsZero
            || deltaCount < 0 || deltaCount > blockCount
            || deltaList.Length != (deltaCount + FormatConstants.DeltaListEntries - 1) / FormatConstants.DeltaListEntries)
            throw new CorruptDataException("snapshot fields are inconsistent");
        return new SnapshotManifest(sequence, previous, time, device, dbName, dbBytes, pageSize, blockSize, blockCount, dbList,
            mediaFiles, mediaBytes, mediaListBytes, mediaList, added, stored, version, deltaCount, deltaList, listBases, mediaFolder, sourcePath, tags);
    }

    private static BlobId[] ReadIds(ref ByteReader r)
    {
        int n = r.Count(BlobId.Size);
        var ids = new BlobId[n];
        for (int i = 0; i < n; i++) ids[i] = r.Id();
        return ids;
    }
}
