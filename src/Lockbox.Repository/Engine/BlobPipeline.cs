using System.Buffers;
using System.Threading.Channels;
using Lockbox.Repository.Format;
using Lockbox.Repository.Format.Index;
using Lockbox.Repository.Format.Pack;
using Lockbox.Repository.Storage;

namespace Lockbox.Repository.Engine;

/// <summary>
/// The backup's write path, across cores with bounded buffers:
/// producer → workers (keyed hash, dedup, zstd or delta) → packer (AEAD into an 8 MiB pack) → uploaders (pack, then index objects).
/// Database blocks travel in batches of <see cref="BatchBlocks"/> (one channel item, one wake-up and one seal item per batch
/// instead of per 4 KiB block); a media piece is one item. The data travels in a fixed set of buffers
/// (<see cref="PipelineBuffers"/>), and pack buffers are bounded too: one for a folder (the packer waits while it is
/// written), <c>uploads + 1</c> for a remote store (one filling beside each upload), so memory does not grow with a slow store.
/// Write ordering (FORMAT.md): a pack is stored before any index object lists it; the caller writes
/// the snapshot only after <see cref="CompleteAsync"/>, so every blob a snapshot names is in a stored pack and index.
/// A failure in any stage cancels the others; the pipeline is unusable afterwards.
/// </summary>
internal sealed class BlobPipeline : IAsyncDisposable
{
    /// <summary>Bytes of database blocks per work item (at least one block).</summary>
    private const int BatchBytes = 1 << 20;

    private readonly RepositoryState _state;
    private readonly Channel<WorkItem> _work;
    private readonly Channel<SealItem> _seal;
    private readonly Channel<FinishedPack> _upload;
    private readonly SemaphoreSlim _packBuffers;
    private readonly PipelineBuffers _buffers;
    private readonly SemaphoreSlim _flushing = new(1, 1);
    private readonly ClaimSet _claimed = new();
    private readonly CancellationTokenSource _cts;
    private readonly Task[] _workers;
    private readonly Task[] _uploaders;
    private readonly Task _packer;
    private readonly List<PackRecord> _unindexed = [];
    private long _bytesAdded;
    private long _writtenPackBytes;
    private readonly PackMemory _memory = new(16L << 20);

    /// <param name="uploads">Packs uploaded at once (default 1; a folder takes one write at a time best, a remote store
    /// may profit from more).</param>
    public BlobPipeline(RepositoryState state, IEnumerable<PackRecord> adoptedUnindexed, CancellationToken ct, int uploads = 1)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(uploads, 1);
        _state = state;
        _unindexed.AddRange(adoptedUnindexed);
        _cts = CancellationTokenSource.CreateLinkedTokenSource(ct);
        int workers = Math.Max(1, Environment.ProcessorCount);
        // Measured on 2 cores (1 GiB chat, first backup): 6 data buffers against 8 or 12 and one pack buffer against two
        // cost no time and saved 3 and 11 MiB; a folder write is quick enough that the packer may wait for it, while a
        // remote store keeps one pack filling beside each upload.
        int bufferCount = workers * 2 + 2;
        int packBuffers = state.Store is FolderBlobStore ? 1 : uploads + 1;
        // The data buffers bound what the channels hold; the channels are bounded as well, for the small blobs
        // (list pieces, deltas) that do not use them.
        _buffers = new PipelineBuffers(Math.Max(state.Config.MediaPieceSize, BatchBytes), bufferCount);
        _work = Channel.CreateBounded<WorkItem>(new BoundedChannelOptions(bufferCount) { SingleWriter = true });
        _seal = Channel.CreateBounded<SealItem>(new BoundedChannelOptions(bufferCount) { SingleReader = true });
        _upload = Channel.CreateBounded<FinishedPack>(new BoundedChannelOptions(uploads) { SingleReader = uploads == 1, SingleWriter = true });
        _packBuffers = new SemaphoreSlim(packBuffers, packBuffers);
        _workers = Enumerable.Range(0, workers).Select(_ => Task.Run(() => Guard(WorkAsync))).ToArray();
        _packer = Task.Run(() => Guard(PackAsync));
        _uploaders = Enumerable.Range(0, uploads).Select(_ => Task.Run(() => Guard(UploadAsync))).ToArray();
    }

    public long BytesAdded => Interlocked.Read(ref _bytesAdded);

    /// <summary>Sizes the set of claimed blobs for <paramref name="blobs"/> more blobs (the database's blocks, once the copy is made).</summary>
    public void ExpectBlobs(long blobs) => _claimed.EnsureCapacity(_claimed.Count + blobs);

    private IEnumerable<Task> Stages => _workers.Append(_packer).Concat(_uploaders);

    /// <summary>The first real failure of a stage (not the cancellation it caused elsewhere), if any.</summary>
    public Exception? Failure => Stages
        .Where(t => t.IsFaulted).Select(t => t.Exception!.InnerException!)
        .FirstOrDefault(e => e is not OperationCanceledException);
    /// <summary>Bytes of the packs this run stored (their records are let go once an index object lists them).</summary>
    public long WrittenPackBytes => Interlocked.Read(ref _writtenPackBytes);
    public CancellationToken Token => _cts.Token;

    /// <summary>Database blocks of <paramref name="blockSize"/> bytes per <see cref="SubmitBlocksAsync"/>: a power of two that divides a list piece.</summary>
    public static int BatchBlocks(int blockSize)
    {
        int blocks = Math.Clamp(BatchBytes / blockSize, 1, FormatConstants.ListBlobIds);
        return 1 << System.Numerics.BitOperations.Log2((uint)blocks);
    }

    /// <summary>One of the pipeline's data buffers (<see cref="PipelineBuffers"/>), once one is free: what <see cref="SubmitAsync"/> and <see cref="SubmitBlocksAsync"/> take.</summary>
    public ValueTask<byte[]> RentBufferAsync() => _buffers.RentAsync(_cts.Token);

    /// <summary>Gives back a buffer from <see cref="RentBufferAsync"/> that was not submitted.</summary>
    public void ReturnBuffer(byte[] buffer) => _buffers.Return(buffer);

    /// <summary>
    /// Queues one blob (a media piece) whose id the workers compute into <paramref name="ids"/>[<paramref name="slot"/>];
    /// takes ownership of the buffer (from <see cref="RentBufferAsync"/>).
    /// </summary>
    public ValueTask SubmitAsync(byte[] rented, int length, BlobId[] ids, int slot, bool compress) =>
        QueueWorkAsync(new WorkItem(rented, length, Math.Max(1, length), ids, slot, compress, null, null, 0, null));

    /// <summary>
    /// Queues consecutive database blocks (<paramref name="length"/> bytes of <paramref name="rented"/>, cut every
    /// <paramref name="blockSize"/> bytes, at most <see cref="BatchBlocks"/> of them) whose ids the workers compute into
    /// <paramref name="piece"/> from <paramref name="offset"/> on; takes ownership of the buffer (from <see cref="RentBufferAsync"/>). With
    /// <paramref name="deltas"/> (format 2) a changed block whose previous version in <paramref name="previousBases"/> (aligned
    /// with the piece) is a usable base is put aside for the delta phase.
    /// </summary>
    public ValueTask SubmitBlocksAsync(byte[] rented, int length, int blockSize, BlockListPiece piece, int offset, DeltaPlan? deltas, BlobId[]? previousBases) =>
        QueueWorkAsync(new WorkItem(rented, length, blockSize, piece.Ids, offset, true, deltas, previousBases, piece.FirstBlock, piece));

    private async ValueTask QueueWorkAsync(WorkItem item)
    {
        PackMemory.Bound(1, 8L << 20);
        try
        {
            await _work.Writer.WriteAsync(item, _cts.Token).ConfigureAwait(false);
        }
        catch (ChannelClosedException)
        {
            _buffers.Return(item.Buffer);
            ThrowStopped();
            throw;
        }
        catch
        {
            _buffers.Return(item.Buffer);
            throw;
        }
    }

    /// <summary>Stops every stage (the run has failed or is cancelled); a blocked writer sees the cancellation.</summary>
    public Task CancelAsync() => _cts.CancelAsync();

    /// <summary>Waits until every submitted blob has its id (the packer and uploader keep running).</summary>
    public async Task DrainWorkersAsync()
    {
        _work.Writer.TryComplete();
        await Task.WhenAll(_workers).ConfigureAwait(false);
    }

    /// <summary>Stores one blob hashed by the caller (list blobs; safe beside the workers: claims are atomic); returns its id.</summary>
    public async ValueTask<BlobId> StoreDirectAsync(ReadOnlyMemory<byte> raw, bool compress) =>
        (await StoreDirectAsync(raw, compress, default).ConfigureAwait(false)).Id;

    /// <summary>
    /// As <see cref="StoreDirectAsync(ReadOnlyMemory{byte}, bool)"/>; with a <paramref name="previousBase"/> (format 2, database
    /// list pieces) a changed piece may be stored as a delta against it. Returns the id and the base used (zero: whole).
    /// </summary>
    public async ValueTask<(BlobId Id, BlobId Base)> StoreDirectAsync(ReadOnlyMemory<byte> raw, bool compress, BlobId previousBase)
    {
        BlobId id = _state.Keys.ComputeId(raw.Span);
        if (_state.Index.ContainsBlob(id) || _claimed.Contains(id)) return (id, default);
        if (!previousBase.IsZero && await TryStoreDeltaAsync(raw, id, previousBase, _cts.Token).ConfigureAwait(false)) return (id, previousBase);
        if (!_claimed.TryAdd(id)) return (id, default);
        byte[] buffer = ArrayPool<byte>.Shared.Rent(raw.Length);
        raw.Span.CopyTo(buffer);
        await QueueSealAsync(Prepare(id, buffer, raw.Length, compress)).ConfigureAwait(false);
        return (id, default);
    }

    /// <summary>
    /// A stage that fails or is cancelled closes the channels (<see cref="Guard"/>), so a writer can see a closed
    /// channel before its own token: report what closed it — the stage's failure, or the cancellation — never the
    /// closed channel itself.
    /// </summary>
    private void ThrowStopped()
    {
        if (Failure is { } failure) System.Runtime.ExceptionServices.ExceptionDispatchInfo.Throw(failure);
        _cts.Token.ThrowIfCancellationRequested();
    }

    /// <summary>Flushes the last pack and the remaining index entries; returns the packs this run wrote.</summary>
    public async Task CompleteAsync()
    {
        _work.Writer.TryComplete();
        await Task.WhenAll(_workers).ConfigureAwait(false);
        _seal.Writer.TryComplete();
        await _packer.ConfigureAwait(false);
        await Task.WhenAll(_uploaders).ConfigureAwait(false);
        await FlushIndexAsync(_cts.Token).ConfigureAwait(false);
    }

    /// <summary>
    /// After a failure or cancellation: record the packs already stored in an index object, so a rerun
    /// does not upload them again (best effort; a rerun also adopts packs missing from the index).
    /// </summary>
    public async Task SalvageAsync()
    {
        await _cts.CancelAsync().ConfigureAwait(false);
        try { await Task.WhenAll(Stages).ConfigureAwait(false); }
        catch (Exception) { /* the original failure is what the caller reports */ }
        try { await FlushIndexAsync(CancellationToken.None).ConfigureAwait(false); }
        catch (BlobStoreException) { }
    }

    private async Task Guard(Func<Task> stage)
    {
        try
        {
            await stage().ConfigureAwait(false);
        }
        catch (ChannelClosedException) when (_cts.IsCancellationRequested)
        {
            // Only a stopping pipeline closes a channel early (below, after cancelling): this stage was stopped, it did not fail.
            CloseChannels();
            throw new OperationCanceledException(_cts.Token);
        }
        catch
        {
            await _cts.CancelAsync().ConfigureAwait(false);
            CloseChannels();
            throw;
        }
    }

    private void CloseChannels()
    {
        _work.Writer.TryComplete();
        _seal.Writer.TryComplete();
        _upload.Writer.TryComplete();
    }

    private async Task WorkAsync()
    {
        CancellationToken ct = _cts.Token;
        await foreach (WorkItem item in _work.Reader.ReadAllAsync(ct).ConfigureAwait(false))
        {
            if (item.Piece is null)
            {
                BlobId id = _state.Keys.ComputeId(item.Buffer.AsSpan(0, item.Length));
                item.Ids[item.Slot] = id;
                if (_state.Index.ContainsBlob(id) || !_claimed.TryAdd(id))
                {
                    _buffers.Return(item.Buffer);
                    continue;
                }
                // Media pieces are stored as they are (already compressed formats): the buffer goes on to the packer.
                await _seal.Writer.WriteAsync(SealItem.One(id, item.Buffer, item.Length, FormatConstants.CompressionNone, item.Length) with { Pooled = true }, ct).ConfigureAwait(false);
                continue;
            }
            SealItem? batch = Batch(item);
            item.Piece.Hashed((item.Length + item.BlockSize - 1) / item.BlockSize);
            if (batch is { } sealItem) await _seal.Writer.WriteAsync(sealItem, ct).ConfigureAwait(false);
        }
    }

    /// <summary>
    /// Hashes a batch of database blocks into the list piece, and compresses the ones to store (not yet stored, claimed
    /// now, no usable base) in place: each stored block's payload (zstd, or raw when that is not smaller) is moved down to
    /// the end of the previous one, never past its own block, so the batch needs no second buffer. Returns the seal item
    /// that owns the buffer, or null (buffer given back) when nothing is to be stored.
    /// </summary>
    private SealItem? Batch(WorkItem item)
    {
        int blockSize = item.BlockSize;
        int count = (item.Length + blockSize - 1) / blockSize;
        byte[] buffer = item.Buffer;
        byte[]? scratch = null;
        SealEntry[]? entries = null;
        int stored = 0, outLength = 0;
        try
        {
            for (int j = 0; j < count; j++)
            {
                int offset = j * blockSize;
                int length = Math.Min(blockSize, item.Length - offset);
                ReadOnlySpan<byte> block = buffer.AsSpan(offset, length);
                BlobId id = _state.Keys.ComputeId(block);
                item.Ids[item.Slot + j] = id;
                if (_state.Index.ContainsBlob(id) || _claimed.Contains(id)) continue;
                if (item.Deltas is { } plan && TryBaseOf(item.PreviousBases, item.Slot + j, length, out BlobId baseId))
                {
                    // Compressed against its base in the delta phase, once every block is hashed (DeltaPhase): the bases are
                    // then read pack by pack instead of one store read per changed block.
                    plan.Defer(item.FirstBlock + item.Slot + j, id, baseId);
                    continue;
                }
                if (!_claimed.TryAdd(id)) continue;
                scratch ??= ArrayPool<byte>.Shared.Rent(Compression.Bound(blockSize));
                entries ??= new SealEntry[count];
                int packed = Compression.Compress(block, scratch);
                if (packed < length)
                {
                    scratch.AsSpan(0, packed).CopyTo(buffer.AsSpan(outLength));
                    entries[stored++] = new SealEntry(id, outLength, packed, FormatConstants.CompressionZstd, length);
                    outLength += packed;
                }
                else
                {
                    block.CopyTo(buffer.AsSpan(outLength)); // outLength <= offset: a move down (overlap-safe)
                    entries[stored++] = new SealEntry(id, outLength, length, FormatConstants.CompressionNone, length);
                    outLength += length;
                }
            }
        }
        catch
        {
            _buffers.Return(buffer);
            throw;
        }
        finally
        {
            if (scratch is not null)
            {
                System.Security.Cryptography.CryptographicOperations.ZeroMemory(scratch.AsSpan(0, Compression.Bound(blockSize)));
                ArrayPool<byte>.Shared.Return(scratch);
            }
        }
        if (stored == 0)
        {
            _buffers.Return(buffer);
            return null;
        }
        return new SealItem(buffer, entries!, stored) { Pooled = true };
    }

    /// <summary>Whether the block at <paramref name="index"/> of a piece has a previous version that can serve as its base (a whole blob of the same length).</summary>
    private bool TryBaseOf(BlobId[]? previousBases, int index, int length, out BlobId baseId)
    {
        baseId = previousBases is not null && index < previousBases.Length ? previousBases[index] : default;
        return !baseId.IsZero && _state.Index.TryGet(baseId, out _, out PackEntry baseEntry)
            && baseEntry.Compression != FormatConstants.CompressionDelta && baseEntry.RawLength == length;
    }

    /// <summary>Stores <paramref name="block"/> as a delta against <paramref name="baseId"/> (read from the store), or finds that delta stored; false when it should be stored whole.</summary>
    private async Task<bool> TryStoreDeltaAsync(ReadOnlyMemory<byte> block, BlobId id, BlobId baseId, CancellationToken ct)
    {
        if (baseId.IsZero || !_state.Index.TryGet(baseId, out _, out PackEntry baseEntry)
            || baseEntry.Compression == FormatConstants.CompressionDelta || baseEntry.RawLength != block.Length)
            return false;
        if (_state.Index.ContainsBlob(_state.Keys.DeltaId(baseId, id))) return true;
        byte[] baseRaw = await _state.ReadBlobAsync(baseId, ct).ConfigureAwait(false);
        try
        {
            return await TryStoreDeltaAsync(block, id, baseId, baseRaw, baseEntry.PayloadLength).ConfigureAwait(false);
        }
        finally
        {
            System.Security.Cryptography.CryptographicOperations.ZeroMemory(baseRaw);
        }
    }

    /// <summary>
    /// Stores <paramref name="block"/> (id <paramref name="id"/>) as a delta against the whole blob <paramref name="baseId"/>,
    /// whose authenticated raw bytes are <paramref name="baseRaw"/>, when the delta's payload is at most
    /// <see cref="FormatConstants.RebaseAbove"/> of the base's payload; or finds that delta already stored or queued.
    /// False when the block should be stored whole (it then becomes the base of its next versions: re-base).
    /// </summary>
    internal async ValueTask<bool> TryStoreDeltaAsync(ReadOnlyMemory<byte> block, BlobId id, BlobId baseId, ReadOnlyMemory<byte> baseRaw, uint basePayloadLength)
    {
        BlobId deltaId = _state.Keys.DeltaId(baseId, id);
        if (_state.Index.ContainsBlob(deltaId) || !_claimed.TryAdd(deltaId)) return true;
        if (!DeltaCodec.CanBeBase(baseRaw.Span))
        {
            _claimed.Remove(deltaId);
            return false;
        }
        byte[] packed = ArrayPool<byte>.Shared.Rent(Compression.Bound(block.Length));
        int n = DeltaCodec.Encode(block.Span, baseRaw.Span, packed);
        if (n > basePayloadLength * FormatConstants.RebaseAbove)
        {
            _claimed.Remove(deltaId);
            ArrayPool<byte>.Shared.Return(packed);
            return false;
        }
        await QueueSealAsync(SealItem.One(deltaId, packed, n, FormatConstants.CompressionDelta, block.Length)).ConfigureAwait(false);
        return true;
    }

    /// <summary>Stores a block whole (compressed when that helps) unless its id is already stored or queued; takes ownership of the rented buffer.</summary>
    internal async ValueTask StoreWholeAsync(BlobId id, byte[] rented, int length, bool compress)
    {
        if (_state.Index.ContainsBlob(id) || !_claimed.TryAdd(id))
        {
            ArrayPool<byte>.Shared.Return(rented);
            return;
        }
        await QueueSealAsync(Prepare(id, rented, length, compress)).ConfigureAwait(false);
    }

    private async ValueTask QueueSealAsync(SealItem item)
    {
        PackMemory.Bound(1, 8L << 20);
        try
        {
            await _seal.Writer.WriteAsync(item, _cts.Token).ConfigureAwait(false);
        }
        catch (ChannelClosedException)
        {
            Release(item);
            ThrowStopped();
            throw;
        }
        catch
        {
            Release(item);
            throw;
        }
    }

    /// <summary>Compresses when asked and when it saves bytes; owns <paramref name="buffer"/> from here on.</summary>
    private static SealItem Prepare(BlobId id, byte[] buffer, int length, bool compress)
    {
        if (compress && length > 0)
        {
            byte[] packed = ArrayPool<byte>.Shared.Rent(Compression.Bound(length));
            int n = Compression.Compress(buffer.AsSpan(0, length), packed);
            if (n < length)
            {
                ArrayPool<byte>.Shared.Return(buffer);
                return SealItem.One(id, packed, n, FormatConstants.CompressionZstd, length);
            }
            ArrayPool<byte>.Shared.Return(packed);
        }
        return SealItem.One(id, buffer, length, FormatConstants.CompressionNone, length);
    }

    private async Task PackAsync()
    {
        CancellationToken ct = _cts.Token;
        int target = _state.Config.PackSize;
        PackWriter? writer = null;
        try
        {
            await foreach (SealItem item in _seal.Reader.ReadAllAsync(ct).ConfigureAwait(false))
            {
                try
                {
                    for (int k = 0; k < item.Count; k++)
                    {
                        SealEntry e = item.Entries[k];
                        if (writer is null)
                        {
                            // A pack buffer is taken only when one is free: at most uploads + 1 exist at once.
                            await _packBuffers.WaitAsync(ct).ConfigureAwait(false);
                            writer = new PackWriter(_state.Keys, target + _state.Config.MediaPieceSize + 4096);
                        }
                        writer.Add(e.Id, item.Buffer.AsSpan(e.Offset, e.Length), e.Compression, e.RawLength);
                        if (writer.Length >= target)
                        {
                            FinishedPack pack = writer.Finish();
                            writer.Dispose();
                            writer = null;
                            await _upload.Writer.WriteAsync(pack, ct).ConfigureAwait(false);
                        }
                    }
                }
                finally
                {
                    Release(item);
                }
            }
            if (writer is { Count: > 0 })
                await _upload.Writer.WriteAsync(writer.Finish(), ct).ConfigureAwait(false);
            _upload.Writer.TryComplete();
        }
        finally
        {
            writer?.Dispose();
        }
    }

    private async Task UploadAsync()
    {
        CancellationToken ct = _cts.Token;
        await foreach (FinishedPack pack in _upload.Reader.ReadAllAsync(ct).ConfigureAwait(false))
        {
            await _state.Store.PutIfAbsentAsync(pack.Name, pack.Bytes, ct).ConfigureAwait(false);
            pack.Release();
            _packBuffers.Release();
            _memory.Downloaded(pack.Length);
            Interlocked.Add(ref _bytesAdded, pack.Length);
            var record = new PackRecord(pack.Id, pack.Length, pack.Entries);
            Interlocked.Add(ref _writtenPackBytes, pack.Length);
            bool flush;
            lock (_unindexed)
            {
                _unindexed.Add(record);
                flush = _unindexed.Count >= FormatConstants.PacksPerIndex;
            }
            if (flush) await FlushIndexAsync(ct).ConfigureAwait(false);
        }
    }

    private async Task FlushIndexAsync(CancellationToken ct)
    {
        await _flushing.WaitAsync(ct).ConfigureAwait(false);
        try
        {
            await FlushIndexOnceAsync(ct).ConfigureAwait(false);
        }
        finally
        {
            _flushing.Release();
        }
    }

    private async Task FlushIndexOnceAsync(CancellationToken ct)
    {
        PackRecord[] batch;
        lock (_unindexed)
        {
            batch = [.. _unindexed];
        }
        if (batch.Length == 0) return;
        byte[] data = IndexFile.Encode(_state.Keys, batch);
        string name = FormatConstants.IndexPrefix + Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(data));
        await _state.Store.PutIfAbsentAsync(name, data, ct).ConfigureAwait(false);
        Interlocked.Add(ref _bytesAdded, data.Length);
        lock (_unindexed)
        {
            _unindexed.RemoveRange(0, batch.Length);
            IndexWritten.Add((name, data.Length));
        }
    }

    /// <summary>Index objects this run wrote (names and sizes: the pack records, a few hundred KiB each, are not kept).</summary>
    public List<(string Name, long Bytes)> IndexWritten { get; } = [];

    public async ValueTask DisposeAsync()
    {
        if (!_cts.IsCancellationRequested) await _cts.CancelAsync().ConfigureAwait(false);
        try { await Task.WhenAll(Stages).ConfigureAwait(false); }
        catch (Exception) { /* reported by CompleteAsync or the producer */ }
        while (_work.Reader.TryRead(out WorkItem w)) _buffers.Return(w.Buffer);
        while (_seal.Reader.TryRead(out SealItem s)) Release(s);
        while (_upload.Reader.TryRead(out FinishedPack? p)) p.Release();
        _cts.Dispose();
        _packBuffers.Dispose();
        _flushing.Dispose();
        _buffers.Dispose();
    }

    /// <summary>One blob (<see cref="Piece"/> null), or a batch of database blocks of <see cref="BlockSize"/> bytes (the last may be shorter).</summary>
    private readonly record struct WorkItem(byte[] Buffer, int Length, int BlockSize, BlobId[] Ids, int Slot, bool Compress,
        DeltaPlan? Deltas, BlobId[]? PreviousBases, long FirstBlock, BlockListPiece? Piece);

    private readonly record struct SealEntry(BlobId Id, int Offset, int Length, byte Compression, int RawLength);

    private void Release(SealItem item)
    {
        if (item.Pooled) _buffers.Return(item.Buffer);
        else ArrayPool<byte>.Shared.Return(item.Buffer);
    }

    /// <summary>
    /// Payloads to seal into packs, in <see cref="Buffer"/> at each entry's offset; the packer gives the buffer back (to the
    /// pipeline's buffers when <see cref="Pooled"/>, else to the shared array pool).
    /// </summary>
    private readonly record struct SealItem(byte[] Buffer, SealEntry[] Entries, int Count)
    {
        public bool Pooled { get; init; }

        public static SealItem One(BlobId id, byte[] buffer, int length, byte compression, int rawLength) =>
            new(buffer, [new SealEntry(id, 0, length, compression, rawLength)], 1);
    }
}
