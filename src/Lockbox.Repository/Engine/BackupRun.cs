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
        // Read one piece at a time as the database is hashed; only the delta list (a few percent of the blocks) is read whole.
        PreviousBlockList? previousList = previousDb is { } pd
            ? new PreviousBlockList(state, pd.Id, pd.Manifest, await state.ReadDeltaListAsync(pd.Manifest, pd.Id, ct).ConfigureAwait(false))
            : null;

        // What loading the index and lists left behind (decoded index objects, grown-out arrays) is let go before the
        // pipeline starts, as a restore does after its planning.
        PackMemory.CompactAfterPlanning();
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
            bool useDeltas = previousList is not null && previousList.BlockSize == blockSize;
            DeltaPlan? deltas = useDeltas ? new DeltaPlan() : null;
            var deltaWriter = new DeltaListWriter(pipeline);
            var (blockCount, dbList, dbListBases) = await ProduceDatabaseAsync(pipeline, db, blockSize, deltas, deltaWriter,
                useDeltas ? previousList : null, useDeltas ? previousDb!.Value.Manifest : null).ConfigureAwait(false);
            _filesDone++;
            BlobId[] deltaList = await deltaWriter.FinishAsync().ConfigureAwait(false);
            byte[] mediaBytes = MediaList.Encode(entries);
            BlobId[] mediaList = await StoreListAsync(pipeline, mediaBytes, FormatConstants.MediaListPieceSize).ConfigureAwait(false);
            progress?.Report(new BackupProgress("finish", _total, _total) { FilesDone = _filesDone, FilesTotal = _filesTotal });
            // Every blob is deduplicated now: nothing below reads the index. It is let go before the last pack, the last
            // index objects and the snapshot are written, which was where a 4 GiB next day peaked (docs/PERFORMANCE.md,
            // "The index released before the last flush"). This run's blobs are never added to it: every operation after
            // this one loads the index again.
            var (indexedPackBytes, indexObjects, indexedPacks) = (state.Index.TotalPackBytes, state.Index.IndexObjects.Count, state.Index.PackCount);
            state.ReleaseIndex();
            await pipeline.CompleteAsync().ConfigureAwait(false);
            long stored = indexedPackBytes + pipeline.WrittenPackBytes + state.IndexBytes + pipeline.IndexWritten.Sum(i => i.Bytes);

            var manifest = new SnapshotManifest(
                Sequence: head.Sequence + 1,
                Previous: head.Id,
                TimeUnixMs: time.GetUtcNow().ToUnixTimeMilliseconds(),
                Device: source.DeviceName,
                DatabaseName: dbName,
                DatabaseBytes: db.Length,
                PageSize: db.PageSize,
                BlockSize: blockSize,
                BlockCount: blockCount,
                DatabaseList: dbList,
                MediaFiles: entries.Count,
                MediaBytes: entries.Sum(e => e.Size),
                MediaListBytes: mediaBytes.Length,
                MediaList: mediaList,
                BytesAdded: pipeline.BytesAdded,
                BytesStored: stored,
                Version: state.Config.SupportsDeltas ? FormatConstants.SnapshotVersionWithDeltas : FormatConstants.Version,
                DeltaCount: deltaWriter.Count,
                DeltaListPieces: deltaList,
                DatabaseListBaseIds: state.Config.SupportsDeltas ? dbListBases : null,
                MediaFolderName: MediaFolderNameOf(source.MediaDirectory, dbName),
                SourcePath: sourcePath,
                TagList: source.Tags.Count == 0 ? null : [.. source.Tags]);
            byte[] data = manifest.Encode(state.Keys);
            BlobId id = BlobId.Read(SHA256.HashData(data));
            await state.Store.PutIfAbsentAsync(FormatConstants.SnapshotPrefix + id.ToHex(), data, ct).ConfigureAwait(false);
            await IndexConsolidation.RunIfNeededAsync(state, indexObjects + pipeline.IndexWritten.Count, indexedPacks, ct).ConfigureAwait(false);
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
        state.Index.Add(adopted, null);
        return adopted;
    }

    /// <summary>
    /// Streams the sealed copy's blocks through the pipeline in batches and stores the block list piece by piece as the
    /// workers finish each piece's blocks (at most two pieces wait at once), instead of holding the whole list (32 bytes per
    /// block). A piece is a delta against the previous snapshot's piece when that helps: a day that changes a few ids in
    /// every piece then costs those ids, not the whole list. With <paramref name="deltas"/> the previous list's bases are
    /// read one piece at a time, in step. Returns the block count, the piece ids and their bases.
    /// </summary>
    private async Task<(long Count, BlobId[] Ids, BlobId[] Bases)> ProduceDatabaseAsync(BlobPipeline pipeline, SqliteSnapshot db, int blockSize,
        DeltaPlan? deltas, DeltaListWriter deltaWriter, PreviousBlockList? previous, SnapshotManifest? previousManifest)
    {
        long count = (db.Length + blockSize - 1) / blockSize;
        // A first backup claims about one blob per block: size the claimed set once. A repository that already holds as
        // many blobs (a next day) claims a few percent, and the set grows as it needs.
        pipeline.ExpectBlobs(Math.Max(0, count - state.Index.BlobCount));
        var ids = new List<BlobId>();
        var bases = new List<BlobId>();
        var waiting = new Queue<BlockListPiece>();
        byte[] encoded = new byte[(int)Math.Min(FormatConstants.ListBlobIds, count) * BlobId.Size];
        CancellationToken ct = pipeline.Token;

        async Task StoreAsync(BlockListPiece piece)
        {
            await piece.WhenHashedAsync(ct).ConfigureAwait(false);
            for (int i = 0; i < piece.Ids.Length; i++) piece.Ids[i].CopyTo(encoded.AsSpan(i * BlobId.Size));
            BlobId previousBase = default;
            if (previousManifest is not null && piece.Index < previousManifest.DatabaseList.Length)
            {
                BlobId listBase = previousManifest.DatabaseListBases[piece.Index];
                previousBase = listBase.IsZero ? previousManifest.DatabaseList[piece.Index] : listBase;
            }
            // StoreDirectAsync copies what it keeps before it returns, so the encoding buffer is free for the next piece.
            var (id, used) = await pipeline.StoreDirectAsync(encoded.AsMemory(0, piece.Ids.Length * BlobId.Size), compress: true, previousBase).ConfigureAwait(false);
            ids.Add(id);
            bases.Add(used);
            // Every block before this piece's end is hashed (pieces are stored in order): the blocks put aside there can go
            // through the delta phase, beside the next pieces' hashing, once enough have gathered.
            if (deltas is not null && deltas.DeferredCount >= DeltaStretchBlocks)
                await StartDeltaStretchAsync(piece.FirstBlock + piece.Ids.Length).ConfigureAwait(false);
        }

        // One stretch of the delta phase at a time, in block order, so the delta list comes out in order, piece by piece.
        Task stretch = Task.CompletedTask;
        async Task StartDeltaStretchAsync(long before)
        {
            await stretch.ConfigureAwait(false);
            stretch = Task.Run(async () =>
            {
                try
                {
                    await DeltaPhase.RunAsync(state, pipeline, deltas!, deltas!.TakeDeferred(before), db, blockSize).ConfigureAwait(false);
                    await deltaWriter.AddAsync(deltas.TakeBases()).ConfigureAwait(false);
                }
                catch
                {
                    await pipeline.CancelAsync().ConfigureAwait(false); // the producer stops at its next wait
                    throw;
                }
            }, CancellationToken.None);
        }

        // The sealed copy's plaintext, opened and checked record by record (a changed byte stops the backup), straight into
        // the pipeline's buffers through one scratch of sealed records (ciphertext) kept for the whole copy.
        int batch = BlobPipeline.BatchBlocks(blockSize);
        byte[] sealedScratch = new byte[Math.Max(1, (batch * blockSize) / 4 / db.SealedRecordSize) * db.SealedRecordSize + db.SealedRecordSize];
        try
        {
            for (long first = 0; first < count; first += FormatConstants.ListBlobIds)
            {
                var piece = new BlockListPiece((int)(first / FormatConstants.ListBlobIds), first, (int)Math.Min(FormatConstants.ListBlobIds, count - first));
                BlobId[]? previousBases = previous is null ? null : await previous.PieceAsync(piece.Index, ct).ConfigureAwait(false);
                for (int offset = 0; offset < piece.Ids.Length; offset += batch)
                {
                    int blocks = Math.Min(batch, piece.Ids.Length - offset);
                    int want = (int)Math.Min((long)blocks * blockSize, db.Length - (first + offset) * blockSize);
                    byte[] buffer = await pipeline.RentBufferAsync().ConfigureAwait(false);
                    try
                    {
                        db.ReadAt((first + offset) * blockSize, buffer.AsSpan(0, want), sealedScratch);
                    }
                    catch
                    {
                        pipeline.ReturnBuffer(buffer);
                        throw;
                    }
                    await pipeline.SubmitBlocksAsync(buffer, want, blockSize, piece, offset, deltas, previousBases).ConfigureAwait(false);
                    Advance(want);
                }
                waiting.Enqueue(piece);
                while (waiting.Count > 2 || (waiting.TryPeek(out BlockListPiece? oldest) && oldest.IsHashed))
                    await StoreAsync(waiting.Dequeue()).ConfigureAwait(false);
            }
            while (waiting.Count > 0) await StoreAsync(waiting.Dequeue()).ConfigureAwait(false);
            await pipeline.DrainWorkersAsync().ConfigureAwait(false);
            if (deltas is not null) await StartDeltaStretchAsync(long.MaxValue).ConfigureAwait(false);
            await stretch.ConfigureAwait(false);
        }
        catch (Exception e)
        {
            // A stretch still running reads the sealed copy and feeds the pipeline: it is stopped and waited for before
            // either is let go. When the producer only saw the cancellation a failed stretch caused, the stretch's failure
            // (a damaged base pack, say) is the one to report.
            await pipeline.CancelAsync().ConfigureAwait(false);
            try
            {
                await stretch.ConfigureAwait(false);
            }
            catch (Exception failure) when (e is OperationCanceledException && failure is not OperationCanceledException)
            {
                System.Runtime.ExceptionServices.ExceptionDispatchInfo.Throw(failure);
            }
            catch (Exception) { }
            throw;
        }
        return (count, [.. ids], [.. bases]);
    }

    /// <summary>
    /// Blocks put aside for deltas that start a stretch of the delta phase (checked at each list piece): about 72 KiB of
    /// them, a few list pieces of a spread-edit day, and each stretch reads the parts of the packs holding its bases.
    /// </summary>
    internal const int DeltaStretchBlocks = 1024;

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
                byte[] buffer = await pipeline.RentBufferAsync().ConfigureAwait(false);
                int n;
                try
                {
                    n = await stream.ReadAtLeastAsync(buffer.AsMemory(0, want), want, throwOnEndOfStream: false, pipeline.Token).ConfigureAwait(false);
                    if (n != want) throw new SourceException($"media file {file.FullPath} shrank while it was being backed up");
                }
                catch
                {
                    pipeline.ReturnBuffer(buffer);
                    throw;
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
