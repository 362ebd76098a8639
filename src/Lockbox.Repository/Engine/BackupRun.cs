using System.Buffers;
using System.Security.Cryptography;
using Lockbox.Repository.Format;
using Lockbox.Repository.Format.Index;
using Lockbox.Repository.Format.Pack;
using Lockbox.Repository.Format.Snapshot;
using Lockbox.Repository.Sources;
using Lockbox.Repository.Storage;

namespace Lockbox.Repository.Engine;

/// <summary>One backup: adopt orphan packs, snapshot the database, stream blocks and media through the pipeline, write the snapshot last.</summary>
internal sealed class BackupRun(RepositoryState state, long knownSequence, IProgress<BackupProgress>? progress, TimeProvider time)
{
    private long _done, _total, _lastReport;
    private int _filesDone, _filesTotal;

    public async Task<SnapshotSummary> RunAsync(BackupSource source, CancellationToken ct)
    {
        string dbName = Path.GetFileName(Path.GetFullPath(source.DatabasePath));
        List<MediaFile> media = source.MediaDirectory is null ? [] : MediaWalker.Walk(source.MediaDirectory);

        await state.LoadIndexAsync(ct).ConfigureAwait(false);
        var snapshots = await state.LoadSnapshotsAsync(ct).ConfigureAwait(false);
        var (forgotten, _) = await state.LoadForgottenAsync(ct).ConfigureAwait(false);
        var chain = SnapshotChain.OrderOrThrow(snapshots, knownSequence, forgotten);
        var head = SnapshotChain.Head(chain, forgotten);
        string sourcePath = source.SourcePath ?? Path.GetFullPath(source.DatabasePath);
        // Unchanged media are recognised against the newest snapshot of the same source (else the newest of all).
        (BlobId Id, SnapshotManifest Manifest)? parent = chain.Count == 0 ? null
            : chain.LastOrDefault(s => s.Manifest.Device == source.DeviceName && s.Manifest.SourcePath == sourcePath) is { Manifest: not null } same ? same : chain[^1];
        Dictionary<string, MediaEntry> previousMedia = parent is { } p
            ? (await state.ReadMediaListAsync(p.Manifest, p.Id, ct).ConfigureAwait(false)).ToDictionary(m => m.Path, StringComparer.Ordinal)
            : [];
        List<PackRecord> adopted = await AdoptOrphanPacksAsync(ct).ConfigureAwait(false);
        // The previous version of each block, from the newest snapshot of the same database (format 2 only).
        // (of the same source when there is one: an import of another chat under the same file name is not this chat's past).
        (BlobId Id, SnapshotManifest Manifest)? previousDb = state.Config.SupportsDeltas
            ? chain.LastOrDefault(s => s.Manifest.Device == source.DeviceName && s.Manifest.SourcePath == sourcePath) is { Manifest: not null } sameSource ? sameSource
            : chain.LastOrDefault(s => string.Equals(s.Manifest.DatabaseName, dbName, StringComparison.Ordinal)) is { Manifest: not null } found ? found : null
            : null;
        BlobId[]? previousBase = previousDb is { } pd ? await PreviousBasesAsync(pd.Id, pd.Manifest, ct).ConfigureAwait(false) : null;

        progress?.Report(new BackupProgress("database", 0, 0));
        // A database that is missing or not SQLite is refused before anything is stored; the consistent copy
        // itself (SQLite's online backup into a sealed scratch file, a full read and encrypted write of the database)
        // then runs on its own thread while the media files, which need no copy, go through the pipeline.
        if (source.Copy is null) SqliteSnapshot.CheckIsSqlite(Path.GetFullPath(source.DatabasePath));
        Task<SqliteSnapshot> copying = source.Copy is { } made ? Task.FromResult(made)
            : Task.Run(() => SqliteSnapshot.Create(source.DatabasePath, source.ScratchDirectory ?? Path.GetTempPath()), CancellationToken.None);
        SqliteSnapshot? db = null;
        _total = (source.Copy?.Length ?? new FileInfo(source.DatabasePath).Length) + media.Sum(m => m.Size);
        _filesTotal = media.Count + 1;

        await using var pipeline = new BlobPipeline(state, adopted, ct);
        try
        {
            var entries = new List<MediaEntry>(media.Count);
            foreach (MediaFile file in media)
            {
                entries.Add(await ProduceMediaAsync(pipeline, file, previousMedia).ConfigureAwait(false));
                _filesDone++;
            }
            db = await copying.ConfigureAwait(false);
            int blockSize = Math.Max(db.PageSize, FormatConstants.MinimumBlockSize);
            _total = db.Length + media.Sum(m => m.Size);
            long blockCount = (db.Length + blockSize - 1) / blockSize;
            DeltaPlan? deltas = previousBase is not null && previousDb!.Value.Manifest.BlockSize == blockSize ? new DeltaPlan(previousBase, blockCount) : null;
            BlobId[] blocks = await ProduceDatabaseAsync(pipeline, db, blockSize, deltas).ConfigureAwait(false);
            _filesDone++;
            await pipeline.DrainWorkersAsync().ConfigureAwait(false);
            if (deltas is not null)
                await DeltaPhase.RunAsync(state, pipeline, deltas, blocks, db, blockSize).ConfigureAwait(false);

            // The block list's pieces are deltas against the previous snapshot's pieces too: a day that changes a few
            // ids in every piece then costs those ids, not the whole list (32 bytes per block of the database).
            var (dbList, dbListBases) = await StoreDatabaseListAsync(pipeline, blocks, deltas is null ? null : previousDb!.Value.Manifest).ConfigureAwait(false);
            List<DeltaEntry> deltaEntries = deltas?.DeltaEntries() ?? [];
            BlobId[] deltaList = await StoreListAsync(pipeline, DeltaEntry.Encode(deltaEntries), FormatConstants.DeltaListEntries * FormatConstants.DeltaEntrySize).ConfigureAwait(false);
            byte[] mediaBytes = MediaList.Encode(entries);
            BlobId[] mediaList = await StoreListAsync(pipeline, mediaBytes, FormatConstants.MediaListPieceSize).ConfigureAwait(false);
            progress?.Report(new BackupProgress("finish", _total, _total) { FilesDone = _filesDone, FilesTotal = _filesTotal });
            await pipeline.CompleteAsync().ConfigureAwait(false);

            // Only the new index objects' names are recorded (index consolidation counts them): adding this run's blobs to the
            // in-memory index would grow it by a map entry per new blob at the very end, for nothing (every operation after
            // this one loads the index again).
            foreach (var (name, _) in pipeline.IndexWritten) state.Index.AddIndexObject(name);
            long stored = state.Index.TotalPackBytes + pipeline.WrittenPackBytes + state.IndexBytes + pipeline.IndexWritten.Sum(i => i.Bytes);

            var manifest = new SnapshotManifest(
                Sequence: head.Sequence + 1,
                Previous: head.Id,
                TimeUnixMs: time.GetUtcNow().ToUnixTimeMilliseconds(),
                Device: source.DeviceName,
                DatabaseName: dbName,
                DatabaseBytes: db.Length,
                PageSize: db.PageSize,
                BlockSize: blockSize,
                BlockCount: blocks.Length,
                DatabaseList: dbList,
                MediaFiles: entries.Count,
                MediaBytes: entries.Sum(e => e.Size),
                MediaListBytes: mediaBytes.Length,
                MediaList: mediaList,
                BytesAdded: pipeline.BytesAdded,
                BytesStored: stored,
                Version: state.Config.SupportsDeltas ? FormatConstants.SnapshotVersionWithDeltas : FormatConstants.Version,
                DeltaCount: deltaEntries.Count,
                DeltaListPieces: deltaList,
                DatabaseListBaseIds: state.Config.SupportsDeltas ? dbListBases : null,
                MediaFolderName: MediaFolderNameOf(source.MediaDirectory, dbName),
                SourcePath: sourcePath,
                TagList: source.Tags.Count == 0 ? null : [.. source.Tags]);
            byte[] data = manifest.Encode(state.Keys);
            BlobId id = BlobId.Read(SHA256.HashData(data));
            await state.Store.PutIfAbsentAsync(FormatConstants.SnapshotPrefix + id.ToHex(), data, ct).ConfigureAwait(false);
            await IndexConsolidation.RunIfNeededAsync(state, ct).ConfigureAwait(false);
            return Summaries.From(id, manifest);
        }
        catch (Exception e)
        {
            await pipeline.SalvageAsync().ConfigureAwait(false);
            if (e is OperationCanceledException && !ct.IsCancellationRequested && pipeline.Failure is { } failure)
                System.Runtime.ExceptionServices.ExceptionDispatchInfo.Throw(failure);
            throw;
        }
        finally
        {
            if (db is null)
            {
                // The media failed first: wait for the copy only to delete it (its own failure is not the one to report).
                try { db = await copying.ConfigureAwait(false); }
                catch (Exception) { }
            }
            if (source.Copy is null) db?.Dispose(); // a copy made beforehand is its maker's
        }
    }

    /// <summary>Packs in data/ that no index lists (an interrupted backup's last packs): read, check, and index them again.</summary>
    private async Task<List<PackRecord>> AdoptOrphanPacksAsync(CancellationToken ct)
    {
        var adopted = new List<PackRecord>();
        await foreach (BlobInfo info in state.Store.ListAsync(FormatConstants.DataPrefix, ct).ConfigureAwait(false))
        {
            string hex = info.Name[(info.Name.LastIndexOf('/') + 1)..];
            if (!BlobId.TryParseHex(hex, out BlobId id) || state.Index.ContainsPack(id)) continue;
            byte[] data;
            try { data = await state.Store.GetAsync(info.Name, ct).ConfigureAwait(false); }
            catch (BlobNotFoundException) { continue; }
            if (!Convert.ToHexStringLower(SHA256.HashData(data)).Equals(hex, StringComparison.Ordinal)) continue;
            try
            {
                adopted.Add(new PackRecord(id, data.Length, PackReader.ReadHeader(state.Keys, data)));
            }
            catch (CorruptDataException)
            {
                // Not a pack of ours, or damaged: it is never referenced, and prune removes it.
            }
        }
        foreach (PackRecord pack in adopted) state.Index.Add(pack, null);
        return adopted;
    }

    /// <summary>For each block of a previous snapshot, the whole blob it rebuilds from: its base when it is a delta, else itself.</summary>
    private async Task<BlobId[]> PreviousBasesAsync(BlobId id, SnapshotManifest manifest, CancellationToken ct)
    {
        BlobId[] bases = await state.ReadBlockListAsync(manifest, ct).ConfigureAwait(false);
        foreach (DeltaEntry e in await state.ReadDeltaListAsync(manifest, id, ct).ConfigureAwait(false)) bases[e.Block] = e.Base;
        return bases;
    }

    private async Task<BlobId[]> ProduceDatabaseAsync(BlobPipeline pipeline, SqliteSnapshot db, int blockSize, DeltaPlan? deltas)
    {
        long count = (db.Length + blockSize - 1) / blockSize;
        var ids = new BlobId[count];
        // The sealed copy's plaintext, opened and checked record by record (a changed byte stops the backup).
        using Stream stream = db.OpenRead();
        for (int i = 0; i < count; i++)
        {
            byte[] buffer = ArrayPool<byte>.Shared.Rent(blockSize);
            int n = await stream.ReadAtLeastAsync(buffer.AsMemory(0, blockSize), blockSize, throwOnEndOfStream: false, pipeline.Token).ConfigureAwait(false);
            await pipeline.SubmitAsync(buffer, n, ids, i, compress: true, deltas).ConfigureAwait(false);
            Advance(n);
        }
        return ids;
    }

    /// <summary>The media folder's own name (case kept), or null when there is none or it cannot be kept (then "media").</summary>
    private static string? MediaFolderNameOf(string? mediaDirectory, string databaseName)
    {
        if (mediaDirectory is null) return null;
        string name = Path.GetFileName(Path.TrimEndingDirectorySeparator(Path.GetFullPath(mediaDirectory)));
        return SnapshotManifest.IsSafeFolderName(name) && name != databaseName ? name : null;
    }

    private async Task<MediaEntry> ProduceMediaAsync(BlobPipeline pipeline, MediaFile file, Dictionary<string, MediaEntry> previous)
    {
        if (previous.TryGetValue(file.RelativePath, out MediaEntry? old) && old.Size == file.Size && old.ModifiedTicks == file.ModifiedTicks
            && old.Pieces.All(state.Index.ContainsBlob))
        {
            Advance(file.Size);
            return old;
        }
        int pieceSize = state.Config.MediaPieceSize;
        var ids = new BlobId[(file.Size + pieceSize - 1) / pieceSize];
        using IncrementalHash fileHash = state.Keys.CreateFileHash();
        try
        {
            using var stream = new FileStream(file.FullPath, FileMode.Open, FileAccess.Read, FileShare.ReadWrite, 1 << 16, FileOptions.SequentialScan);
            for (int i = 0; i < ids.Length; i++)
            {
                int want = (int)Math.Min(pieceSize, file.Size - (long)i * pieceSize);
                byte[] buffer = ArrayPool<byte>.Shared.Rent(want);
                int n = await stream.ReadAtLeastAsync(buffer.AsMemory(0, want), want, throwOnEndOfStream: false, pipeline.Token).ConfigureAwait(false);
                if (n != want)
                {
                    ArrayPool<byte>.Shared.Return(buffer);
                    throw new SourceException($"media file {file.FullPath} shrank while it was being backed up");
                }
                fileHash.AppendData(buffer, 0, n);
                await pipeline.SubmitAsync(buffer, n, ids, i, compress: false).ConfigureAwait(false);
                Advance(n);
            }
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new SourceException($"cannot read media file {file.FullPath}: {e.Message}", e);
        }
        return new MediaEntry(file.RelativePath, file.Size, file.ModifiedTicks, BlobId.Read(fileHash.GetHashAndReset()), ids);
    }

    /// <summary>
    /// Stores the block list in pieces of <see cref="FormatConstants.ListBlobIds"/> ids, each encoded into one reused
    /// buffer as it is stored (not the whole list as bytes beside the ids: 32 bytes per block less at the backup's peak).
    /// </summary>
    private static async Task<(BlobId[] Ids, BlobId[] Bases)> StoreDatabaseListAsync(BlobPipeline pipeline, BlobId[] blocks, SnapshotManifest? previous)
    {
        var ids = new List<BlobId>();
        var bases = new List<BlobId>();
        byte[] piece = new byte[Math.Min(FormatConstants.ListBlobIds, blocks.Length) * BlobId.Size];
        for (int first = 0, k = 0; first < blocks.Length; first += FormatConstants.ListBlobIds, k++)
        {
            int count = Math.Min(FormatConstants.ListBlobIds, blocks.Length - first);
            for (int i = 0; i < count; i++) blocks[first + i].CopyTo(piece.AsSpan(i * BlobId.Size));
            BlobId previousBase = default;
            if (previous is not null && k < previous.DatabaseList.Length)
                previousBase = previous.DatabaseListBases[k].IsZero ? previous.DatabaseList[k] : previous.DatabaseListBases[k];
            // StoreDirectAsync copies what it keeps before it returns, so the piece buffer is free for the next piece.
            var (id, used) = await pipeline.StoreDirectAsync(piece.AsMemory(0, count * BlobId.Size), compress: true, previousBase).ConfigureAwait(false);
            ids.Add(id);
            bases.Add(used);
        }
        return ([.. ids], [.. bases]);
    }

    private static async Task<BlobId[]> StoreListAsync(BlobPipeline pipeline, byte[] raw, int pieceSize)
    {
        var ids = new List<BlobId>();
        for (int offset = 0; offset < raw.Length; offset += pieceSize)
            ids.Add(await pipeline.StoreDirectAsync(raw.AsMemory(offset, Math.Min(pieceSize, raw.Length - offset)), compress: true).ConfigureAwait(false));
        return [.. ids];
    }

    private void Advance(long n)
    {
        _done += n;
        if (progress is not null && _done - _lastReport >= 16 << 20)
        {
            _lastReport = _done;
            progress.Report(new BackupProgress("backup", _done, _total) { FilesDone = _filesDone, FilesTotal = _filesTotal });
        }
    }
}
