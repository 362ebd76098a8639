using System.Security.Cryptography;
using Lockbox.Repository.Format;
using Lockbox.Repository.Format.Config;
using Lockbox.Repository.Format.Index;
using Lockbox.Repository.Format.Pack;
using Lockbox.Repository.Format.Snapshot;
using Lockbox.Repository.Storage;

namespace Lockbox.Repository.Engine;

/// <summary>
/// An open repository: its store, keys and config, the loaded index, and the loaded snapshots.
/// Every object read is authenticated before use; damage surfaces as <see cref="RepositoryDamagedException"/>.
/// </summary>
internal sealed class RepositoryState : IDisposable
{
    private readonly Dictionary<BlobId, byte[]> _salts = [];

    public RepositoryState(IBlobStore store, RepositoryKeys keys, RepositoryConfig config)
    {
        Store = store;
        Keys = keys;
        Config = config;
        keys.BindRepository(config.RepositoryId);
    }

    public IBlobStore Store { get; }
    public RepositoryKeys Keys { get; }
    public RepositoryConfig Config { get; }
    public MasterIndex Index { get; private set; } = new();
    public long IndexBytes { get; private set; }

    public static RepositoryDamagedException Damaged(string name, string problem) => new(name, problem);

    /// <summary>Reads an object, turning "missing" into damage.</summary>
    public async Task<byte[]> GetAsync(string name, CancellationToken ct)
    {
        try
        {
            return await Store.GetAsync(name, ct).ConfigureAwait(false);
        }
        catch (BlobNotFoundException)
        {
            throw Damaged(name, "missing");
        }
    }

    /// <summary>Checks that a content-addressed object's bytes hash to its name.</summary>
    public static void CheckName(string name, string prefix, ReadOnlySpan<byte> data)
    {
        string expected = Convert.ToHexStringLower(SHA256.HashData(data));
        string hex = name[prefix.Length..];
        int slash = hex.LastIndexOf('/');
        if (slash >= 0) hex = hex[(slash + 1)..];
        if (!string.Equals(hex, expected, StringComparison.Ordinal))
            throw Damaged(name, "content does not match its name (tampered, truncated or swapped)");
    }

    /// <summary>
    /// (Re)loads every index object into a fresh <see cref="MasterIndex"/>. Each object is read, authenticated and
    /// decompressed into buffers reused from object to object, and its packs go straight into the index's compact form
    /// (docs/PERFORMANCE.md, "The index at 40 bytes a blob"); a damaged object adds nothing.
    /// </summary>
    public async Task LoadIndexAsync(CancellationToken ct, List<RepositoryProblem>? problems = null)
    {
        if (Index.PackCount > 0)
        {
            // A reload (index consolidation and prune, at the end of their run): the index held until now is let go and
            // collected first, so the old and the new one are not in memory together (2 × ~30 MiB at 4 GiB of chat).
            // The yield first unwinds the stack this call may have been made on: when the load before it finished
            // synchronously into its caller, that load's frame, which still points at the old index, was below this one.
            await Task.Yield();
            ReleaseIndex();
        }
        var index = new MasterIndex();
        long bytes = 0;
        byte[] data = [], compressed = [], payload = [];
        PackEntry[] entries = [];
        await foreach (BlobInfo info in Store.ListAsync(FormatConstants.IndexPrefix, ct).ConfigureAwait(false))
        {
            int length;
            try
            {
                length = await ReadIndexObjectAsync(info, ref data, ct).ConfigureAwait(false);
                CheckName(info.Name, FormatConstants.IndexPrefix, data.AsSpan(0, length));
                try
                {
                    int n = MetadataEnvelope.Open(Keys, FormatConstants.TypeIndex, data.AsSpan(0, length), ref compressed, ref payload);
                    IndexFile.AddTo(index, info.Name, payload.AsSpan(0, n), ref entries);
                }
                catch (CorruptDataException e)
                {
                    throw Damaged(info.Name, e.Message);
                }
            }
            catch (RepositoryDamagedException e) when (problems is not null)
            {
                problems.Add(e.ToProblem());
                continue;
            }
            index.AddIndexObject(info.Name);
            bytes += length;
            PackMemory.Bound(1, 8L << 20);
        }
        index.Compact();
        Index = index;
        IndexBytes = bytes;
        // What loading left behind (the pending chunks the lookup was placed from, the reused buffers) is garbage now:
        // give it back before the caller builds on the index (docs/PERFORMANCE.md, "Restore and verify memory at 4 GiB").
        data = compressed = payload = [];
        PackMemory.CompactAfterPlanning();
    }

    /// <summary>Reads an index object into <paramref name="buffer"/> (grown to its listed size); returns its length.</summary>
    private ValueTask<int> ReadIndexObjectAsync(BlobInfo info, ref byte[] buffer, CancellationToken ct)
    {
        if (info.Size > Array.MaxLength) throw Damaged(info.Name, "too large for an index object");
        if (buffer.Length < info.Size) buffer = new byte[Math.Min(Math.Max(info.Size, 2L * buffer.Length), Array.MaxLength)];
        return ReadWholeAsync(info.Name, buffer, ct);
    }

    private async ValueTask<int> ReadWholeAsync(string name, byte[] buffer, CancellationToken ct)
    {
        try
        {
            return await Store.ReadAsync(name, buffer, ct).ConfigureAwait(false);
        }
        catch (BlobNotFoundException)
        {
            throw Damaged(name, "missing");
        }
        catch (BlobSizeException)
        {
            throw Damaged(name, "changed while read (longer than listed)");
        }
    }

    /// <summary>Loads every snapshot manifest, keyed by id.</summary>
    public async Task<Dictionary<BlobId, SnapshotManifest>> LoadSnapshotsAsync(CancellationToken ct, List<RepositoryProblem>? problems = null)
    {
        var result = new Dictionary<BlobId, SnapshotManifest>();
        await foreach (BlobInfo info in Store.ListAsync(FormatConstants.SnapshotPrefix, ct).ConfigureAwait(false))
        {
            try
            {
                string hex = info.Name[FormatConstants.SnapshotPrefix.Length..];
                if (!BlobId.TryParseHex(hex, out BlobId id)) throw Damaged(info.Name, "unexpected object name");
                byte[] data = await GetAsync(info.Name, ct).ConfigureAwait(false);
                CheckName(info.Name, FormatConstants.SnapshotPrefix, data);
                try
                {
                    result[id] = SnapshotManifest.Decode(Keys, data);
                }
                catch (CorruptDataException e)
                {
                    throw Damaged(info.Name, e.Message);
                }
            }
            catch (RepositoryDamagedException e) when (problems is not null)
            {
                problems.Add(e.ToProblem());
            }
        }
        return result;
    }

    /// <summary>
    /// Loads every forgotten-snapshots object (issue 13): the union of their entries by snapshot id, and the objects' names
    /// (forget replaces them by one).
    /// </summary>
    public async Task<(Dictionary<BlobId, ForgottenSnapshot> Entries, List<string> Objects)> LoadForgottenAsync(CancellationToken ct, List<RepositoryProblem>? problems = null)
    {
        var entries = new Dictionary<BlobId, ForgottenSnapshot>();
        var objects = new List<string>();
        await foreach (BlobInfo info in Store.ListAsync(FormatConstants.ForgottenPrefix, ct).ConfigureAwait(false))
        {
            try
            {
                byte[] data = await GetAsync(info.Name, ct).ConfigureAwait(false);
                CheckName(info.Name, FormatConstants.ForgottenPrefix, data);
                List<ForgottenSnapshot> list;
                try
                {
                    list = ForgottenList.Decode(Keys, data);
                }
                catch (CorruptDataException e)
                {
                    throw Damaged(info.Name, e.Message);
                }
                foreach (ForgottenSnapshot f in list) entries[f.Id] = f;
                objects.Add(info.Name);
            }
            catch (RepositoryDamagedException e) when (problems is not null)
            {
                problems.Add(e.ToProblem());
            }
        }
        return (entries, objects);
    }

    /// <summary>Loads the snapshots and the forgotten-snapshot records and returns the checked chain, oldest first; throws on the first problem.</summary>
    public async Task<List<(BlobId Id, SnapshotManifest Manifest)>> LoadChainAsync(long knownSequence, CancellationToken ct)
    {
        var snapshots = await LoadSnapshotsAsync(ct).ConfigureAwait(false);
        var (forgotten, _) = await LoadForgottenAsync(ct).ConfigureAwait(false);
        return SnapshotChain.OrderOrThrow(snapshots, knownSequence, forgotten);
    }

    /// <summary>Reads, decrypts and checks one whole blob by id.</summary>
    public async Task<byte[]> ReadBlobAsync(BlobId id, CancellationToken ct)
    {
        var (pack, entry, salt, sealedBlob) = await ReadSealedAsync(id, ct).ConfigureAwait(false);
        byte[] raw = new byte[entry.RawLength];
        using var cipher = new PackCipher(Keys, salt);
        try
        {
            PackReader.OpenBlob(Keys, cipher, entry, sealedBlob, raw);
        }
        catch (CorruptDataException e)
        {
            throw Damaged(pack.Name, e.Message);
        }
        return raw;
    }

    /// <summary>
    /// Reads one database block: the whole blob <paramref name="blockId"/> when <paramref name="baseId"/> is zero,
    /// else the delta blob DeltaId(base, block) applied to the whole blob <paramref name="baseId"/> (format 2).
    /// Either way the result is checked against <paramref name="blockId"/>.
    /// </summary>
    public async Task<byte[]> ReadBlockAsync(BlobId blockId, BlobId baseId, CancellationToken ct)
    {
        if (baseId.IsZero) return await ReadBlobAsync(blockId, ct).ConfigureAwait(false);
        byte[] baseRaw = await ReadBlobAsync(baseId, ct).ConfigureAwait(false);
        var (pack, entry, salt, sealedBlob) = await ReadSealedAsync(Keys.DeltaId(baseId, blockId), ct).ConfigureAwait(false);
        byte[] raw = new byte[entry.RawLength];
        using var cipher = new PackCipher(Keys, salt);
        try
        {
            PackReader.OpenDelta(Keys, cipher, entry, sealedBlob, baseRaw, blockId, raw);
        }
        catch (CorruptDataException e)
        {
            throw Damaged(pack.Name, e.Message);
        }
        finally
        {
            CryptographicOperations.ZeroMemory(baseRaw);
        }
        return raw;
    }

    private async Task<(PackRecord Pack, PackEntry Entry, byte[] Salt, byte[] Sealed)> ReadSealedAsync(BlobId id, CancellationToken ct)
    {
        if (!Index.TryGet(id, out PackRecord pack, out PackEntry entry))
            throw Damaged($"blob {id.ToHex()[..16]}", "not in the index (missing data)");
        byte[] salt = await SaltAsync(pack, ct).ConfigureAwait(false);
        byte[] sealedBlob = await RangeAsync(pack.Name, entry.Offset, (int)entry.SealedLength, ct).ConfigureAwait(false);
        return (pack, entry, salt, sealedBlob);
    }

    /// <summary>A pack's salt (its first 32 bytes, not secret), read once per pack for the life of this state.</summary>
    public async Task<byte[]> SaltAsync(PackRecord pack, CancellationToken ct)
    {
        if (KnownSalt(pack.Id) is { } cached) return cached;
        byte[] salt = await RangeAsync(pack.Name, 0, FormatConstants.PackSaltSize, ct).ConfigureAwait(false);
        RememberSalt(pack.Id, salt);
        return salt;
    }

    /// <summary>A pack's salt if this state has it already, else null.</summary>
    public byte[]? KnownSalt(BlobId pack)
    {
        lock (_salts) return _salts.GetValueOrDefault(pack);
    }

    /// <summary>Keeps a pack's salt that a caller read along with other bytes of the pack (see <see cref="SaltAsync"/>).</summary>
    public void RememberSalt(BlobId pack, byte[] salt)
    {
        lock (_salts) _salts[pack] = salt;
    }

    /// <summary>Reads exactly <paramref name="length"/> bytes of an object at <paramref name="offset"/> (missing or shorter: damage).</summary>
    public Task<byte[]> ReadRangeAsync(string name, long offset, int length, CancellationToken ct) => RangeAsync(name, offset, length, ct);

    /// <summary>Reads exactly <paramref name="into"/>'s length of bytes of an object at <paramref name="offset"/> (missing or shorter: damage).</summary>
    public async Task ReadRangeAsync(string name, long offset, Memory<byte> into, CancellationToken ct)
    {
        try
        {
            await Store.ReadRangeAsync(name, offset, into, ct).ConfigureAwait(false);
        }
        catch (BlobNotFoundException)
        {
            throw Damaged(name, "missing");
        }
        catch (BlobSizeException)
        {
            throw Damaged(name, "truncated");
        }
    }

    /// <summary>
    /// Reads a whole pack into <paramref name="into"/> (a pooled buffer: packs hold ciphertext only) and checks that it has
    /// the indexed length and hashes to its name; returns the pack's bytes. Missing, another length or another hash: damage.
    /// </summary>
    public Task<Memory<byte>> ReadPackAsync(PackRecord pack, byte[] into, CancellationToken ct) => ReadPackAsync(pack.Name, pack.Length, into, ct);

    /// <summary>As <see cref="ReadPackAsync(PackRecord, byte[], CancellationToken)"/>, for the pack <paramref name="name"/> of the indexed <paramref name="packLength"/>.</summary>
    /// <param name="hashed">
    /// False only for a restore (FORMAT.md section 11, reader step 3): it authenticates every byte it uses by the header
    /// pinned to the index, each blob's AEAD tag and each blob's keyed id, so hashing the whole pack again is redundant for
    /// it (about 7% of a restore's CPU). <c>verify --read-data</c>, which answers for every byte stored, keeps the hash.
    /// </param>
    public async Task<Memory<byte>> ReadPackAsync(string name, long packLength, byte[] into, CancellationToken ct, bool hashed = true)
    {
        if (into.Length < packLength) throw new ArgumentException("The buffer is shorter than the pack.", nameof(into));
        Memory<byte> data = into.AsMemory(0, (int)packLength);
        int length;
        try
        {
            length = await Store.ReadAsync(name, data, ct).ConfigureAwait(false);
        }
        catch (BlobNotFoundException)
        {
            throw Damaged(name, "missing");
        }
        catch (BlobSizeException)
        {
            length = -1;
        }
        if (length != packLength) throw Damaged(name, "has the wrong length (truncated or replaced)");
        if (hashed) CheckName(name, FormatConstants.DataPrefix, data.Span);
        return data;
    }

    private async Task<byte[]> RangeAsync(string name, long offset, int length, CancellationToken ct)
    {
        byte[] data = new byte[length];
        await ReadRangeAsync(name, offset, data, ct).ConfigureAwait(false);
        return data;
    }

    /// <summary>Concatenates list blobs (database block list, media list); with <paramref name="bases"/>, pieces stored as deltas are rebuilt.</summary>
    public async Task<byte[]> ReadListAsync(BlobId[] ids, long expectedLength, CancellationToken ct, BlobId[]? bases = null)
    {
        var output = new byte[expectedLength];
        long position = 0;
        for (int k = 0; k < ids.Length; k++)
        {
            BlobId id = ids[k];
            byte[] part = await ReadBlockAsync(id, bases?[k] ?? default, ct).ConfigureAwait(false);
            if (position + part.Length > expectedLength) throw Damaged($"list blob {id.ToHex()[..16]}", "longer than recorded");
            part.CopyTo(output, position);
            position += part.Length;
        }
        if (position != expectedLength) throw Damaged("snapshot list", "shorter than recorded");
        return output;
    }

    /// <summary>
    /// Reads the snapshot's database block list piece by piece (<see cref="ReadBlockListPieceAsync"/>) and calls
    /// <paramref name="visit"/> with each block's index and id in file order, holding one piece (32 KiB) at a time instead
    /// of the whole list. Each piece is authenticated before its ids are visited; a damaged, missing or wrong-length piece
    /// throws <see cref="RepositoryDamagedException"/>, possibly after some blocks were visited, so a caller must act on
    /// what it visited only once this returns.
    /// </summary>
    public async Task ForEachBlockAsync(SnapshotManifest s, BlobId snapshotId, Action<long, BlobId> visit, CancellationToken ct)
    {
        for (int piece = 0; (long)piece * FormatConstants.ListBlobIds < s.BlockCount; piece++)
        {
            BlobId[] ids = await ReadBlockListPieceAsync(s, snapshotId, piece, ct).ConfigureAwait(false);
            long first = (long)piece * FormatConstants.ListBlobIds;
            for (int i = 0; i < ids.Length; i++) visit(first + i, ids[i]);
            PackMemory.Bound(1, 8L << 20);
        }
    }

    /// <summary>
    /// Piece <paramref name="piece"/> of <paramref name="s"/>'s database block list (FORMAT.md section 8: pieces of
    /// <see cref="FormatConstants.ListBlobIds"/> ids, the last one shorter), rebuilt from its base when it is a delta and
    /// checked against its id; a piece of another length is damage.
    /// </summary>
    public async Task<BlobId[]> ReadBlockListPieceAsync(SnapshotManifest s, BlobId snapshotId, int piece, CancellationToken ct)
    {
        long first = (long)piece * FormatConstants.ListBlobIds;
        if (piece < 0 || first >= s.BlockCount) throw new ArgumentOutOfRangeException(nameof(piece));
        int count = (int)Math.Min(FormatConstants.ListBlobIds, s.BlockCount - first);
        if (piece >= s.DatabaseList.Length)
            throw Damaged(FormatConstants.SnapshotPrefix + snapshotId.ToHex(), "block list has fewer pieces than its block count needs");
        BlobId id = s.DatabaseList[piece];
        byte[] raw = await ReadBlockAsync(id, s.DatabaseListBases[piece], ct).ConfigureAwait(false);
        if (raw.Length != count * BlobId.Size)
            throw Damaged($"list blob {id.ToHex()[..16]}", $"holds {raw.Length} bytes where piece {piece} of the block list has {count * BlobId.Size}");
        var ids = new BlobId[count];
        for (int i = 0; i < count; i++) ids[i] = BlobId.Read(raw.AsSpan(i * BlobId.Size));
        return ids;
    }

    /// <summary>
    /// Lets the loaded index go (a restore that has planned, a verify past its index phase, a backup past its last blob
    /// need it no more) and gives its memory back at once with a compacting collection (<see cref="PackMemory.CompactAfterPlanning"/>),
    /// so what comes next does not grow beside it. The next operation loads it again, as every operation does when it starts.
    /// </summary>
    public void ReleaseIndex()
    {
        Index = new MasterIndex();
        PackMemory.CompactAfterPlanning();
    }

    /// <summary>The snapshot's whole database block list (see <see cref="ForEachBlockAsync"/>, which reads it a piece at a time).</summary>
    public async Task<BlobId[]> ReadBlockListAsync(SnapshotManifest s, BlobId snapshotId, CancellationToken ct)
    {
        var ids = new BlobId[s.BlockCount];
        await ForEachBlockAsync(s, snapshotId, (i, id) => ids[i] = id, ct).ConfigureAwait(false);
        return ids;
    }

    /// <summary>The snapshot's delta list (empty for format 1 snapshots and snapshots without deltas).</summary>
    public async Task<DeltaEntry[]> ReadDeltaListAsync(SnapshotManifest s, BlobId snapshotId, CancellationToken ct)
    {
        if (s.DeltaCount == 0) return [];
        byte[] raw = await ReadListAsync(s.DeltaList, s.DeltaCount * FormatConstants.DeltaEntrySize, ct).ConfigureAwait(false);
        try
        {
            return DeltaEntry.Decode(raw, s.BlockCount);
        }
        catch (CorruptDataException e)
        {
            throw Damaged(FormatConstants.SnapshotPrefix + snapshotId.ToHex(), e.Message);
        }
    }

    public async Task<List<MediaEntry>> ReadMediaListAsync(SnapshotManifest s, BlobId snapshotId, CancellationToken ct)
    {
        byte[] raw = await ReadListAsync(s.MediaList, s.MediaListBytes, ct).ConfigureAwait(false);
        try
        {
            List<MediaEntry> list = MediaList.Decode(raw, Config.MediaPieceSize);
            if (list.Count != s.MediaFiles) throw new CorruptDataException("media count differs from the snapshot");
            return list;
        }
        catch (CorruptDataException e)
        {
            throw Damaged(FormatConstants.SnapshotPrefix + snapshotId.ToHex(), e.Message);
        }
    }

    public void Dispose() => Keys.Dispose();
}
