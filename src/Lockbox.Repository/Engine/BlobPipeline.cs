using System.Buffers;
using System.Threading.Channels;
using Lockbox.Repository.Format;
using Lockbox.Repository.Format.Index;
using Lockbox.Repository.Format.Pack;
using Lockbox.Repository.Storage;

namespace Lockbox.Repository.Engine;

/// <summary>
/// The backup's write path, across cores with bounded buffers:
/// producer → workers (keyed hash, dedup, zstd or delta) → packer (AEAD into an 8 MiB pack) → uploader (pack, then index objects).
/// Write ordering (FORMAT.md): a pack is stored before any index object lists it; the caller writes
/// the snapshot only after <see cref="CompleteAsync"/>, so every blob a snapshot names is in a stored pack and index.
/// A failure in any stage cancels the others; the pipeline is unusable afterwards.
/// </summary>
internal sealed class BlobPipeline : IAsyncDisposable
{
    private readonly RepositoryState _state;
    private readonly Channel<WorkItem> _work;
    private readonly Channel<SealItem> _seal;
    private readonly Channel<FinishedPack> _upload;
    private readonly ClaimSet _claimed = new();
    private readonly CancellationTokenSource _cts;
    private readonly Task[] _workers;
    private readonly Task _packer, _uploader;
    private readonly List<PackRecord> _unindexed = [];
    private long _bytesAdded;
    private long _writtenPackBytes;
    private readonly PackMemory _memory = new(64L << 20);

    public BlobPipeline(RepositoryState state, IEnumerable<PackRecord> adoptedUnindexed, CancellationToken ct)
    {
        _state = state;
        _unindexed.AddRange(adoptedUnindexed);
        _cts = CancellationTokenSource.CreateLinkedTokenSource(ct);
        int workers = Math.Max(1, Environment.ProcessorCount);
        _work = Channel.CreateBounded<WorkItem>(new BoundedChannelOptions(workers * 4) { SingleWriter = true });
        _seal = Channel.CreateBounded<SealItem>(new BoundedChannelOptions(8) { SingleReader = true });
        _upload = Channel.CreateBounded<FinishedPack>(new BoundedChannelOptions(1) { SingleReader = true, SingleWriter = true });
        _workers = Enumerable.Range(0, workers).Select(_ => Task.Run(() => Guard(WorkAsync))).ToArray();
        _packer = Task.Run(() => Guard(PackAsync));
        _uploader = Task.Run(() => Guard(UploadAsync));
    }

    public long BytesAdded => Interlocked.Read(ref _bytesAdded);

    /// <summary>The first real failure of a stage (not the cancellation it caused elsewhere), if any.</summary>
    public Exception? Failure => _workers.Append(_packer).Append(_uploader)
        .Where(t => t.IsFaulted).Select(t => t.Exception!.InnerException!)
        .FirstOrDefault(e => e is not OperationCanceledException);
    /// <summary>Bytes of the packs this run stored (their records are let go once an index object lists them).</summary>
    public long WrittenPackBytes => Interlocked.Read(ref _writtenPackBytes);
    public CancellationToken Token => _cts.Token;

    /// <summary>
    /// Queues a blob whose id the workers compute into <paramref name="ids"/>[<paramref name="slot"/>]; takes ownership of the rented buffer.
    /// With <paramref name="deltas"/> (database blocks in a format 2 repository) a changed block may be stored as a delta.
    /// </summary>
    public async ValueTask SubmitAsync(byte[] rented, int length, BlobId[] ids, int slot, bool compress, DeltaPlan? deltas = null)
    {
        try
        {
            await _work.Writer.WriteAsync(new WorkItem(rented, length, ids, slot, compress, deltas), _cts.Token).ConfigureAwait(false);
        }
        catch (ChannelClosedException)
        {
            ArrayPool<byte>.Shared.Return(rented);
            ThrowStopped();
            throw;
        }
        catch
        {
            ArrayPool<byte>.Shared.Return(rented);
            throw;
        }
    }

    /// <summary>Waits until every submitted blob has its id (the packer and uploader keep running).</summary>
    public async Task DrainWorkersAsync()
    {
        _work.Writer.TryComplete();
        await Task.WhenAll(_workers).ConfigureAwait(false);
    }

    /// <summary>Stores one blob hashed by the caller (list blobs, after <see cref="DrainWorkersAsync"/>); returns its id.</summary>
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
        SealItem sealItem = Prepare(id, buffer, raw.Length, compress);
        try
        {
            await _seal.Writer.WriteAsync(sealItem, _cts.Token).ConfigureAwait(false);
        }
        catch (ChannelClosedException)
        {
            ArrayPool<byte>.Shared.Return(sealItem.Buffer);
            ThrowStopped();
            throw;
        }
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
        await _uploader.ConfigureAwait(false);
        await FlushIndexAsync(_cts.Token).ConfigureAwait(false);
    }

    /// <summary>
    /// After a failure or cancellation: record the packs already stored in an index object, so a rerun
    /// does not upload them again (best effort; a rerun also adopts packs missing from the index).
    /// </summary>
    public async Task SalvageAsync()
    {
        await _cts.CancelAsync().ConfigureAwait(false);
        try { await Task.WhenAll([.. _workers, _packer, _uploader]).ConfigureAwait(false); }
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
            BlobId id = _state.Keys.ComputeId(item.Buffer.AsSpan(0, item.Length));
            item.Ids[item.Slot] = id;
            if (_state.Index.ContainsBlob(id) || _claimed.Contains(id))
            {
                ArrayPool<byte>.Shared.Return(item.Buffer);
                continue;
            }
            if (item.Deltas is { } plan && CanDelta(plan, item.Slot, item.Length))
            {
                // Compressed against its base in the delta phase, once every block is hashed (DeltaPhase): the bases are
                // then read pack by pack instead of one store read per changed block.
                plan.Defer(item.Slot);
                ArrayPool<byte>.Shared.Return(item.Buffer);
                continue;
            }
            if (!_claimed.TryAdd(id))
            {
                ArrayPool<byte>.Shared.Return(item.Buffer);
                continue;
            }
            await _seal.Writer.WriteAsync(Prepare(id, item.Buffer, item.Length, item.Compress), ct).ConfigureAwait(false);
        }
    }

    /// <summary>Whether block <paramref name="slot"/> has a previous version that can serve as its base (a whole blob of the same length).</summary>
    private bool CanDelta(DeltaPlan plan, int slot, int length)
    {
        if (slot >= plan.PreviousBase.Length) return false;
        BlobId baseId = plan.PreviousBase[slot];
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
        await QueueSealAsync(new SealItem(deltaId, packed, n, FormatConstants.CompressionDelta, block.Length)).ConfigureAwait(false);
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
        try
        {
            await _seal.Writer.WriteAsync(item, _cts.Token).ConfigureAwait(false);
        }
        catch (ChannelClosedException)
        {
            ArrayPool<byte>.Shared.Return(item.Buffer);
            ThrowStopped();
            throw;
        }
        catch
        {
            ArrayPool<byte>.Shared.Return(item.Buffer);
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
                return new SealItem(id, packed, n, FormatConstants.CompressionZstd, length);
            }
            ArrayPool<byte>.Shared.Return(packed);
        }
        return new SealItem(id, buffer, length, FormatConstants.CompressionNone, length);
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
                    writer ??= new PackWriter(_state.Keys, target + _state.Config.MediaPieceSize + 4096);
                    writer.Add(item.Id, item.Buffer.AsSpan(0, item.Length), item.Compression, item.RawLength);
                }
                finally
                {
                    ArrayPool<byte>.Shared.Return(item.Buffer);
                }
                if (writer.Length >= target)
                {
                    FinishedPack pack = writer.Finish();
                    writer.Dispose();
                    writer = null;
                    await _upload.Writer.WriteAsync(pack, ct).ConfigureAwait(false);
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
            _memory.Downloaded(pack.Length);
            Interlocked.Add(ref _bytesAdded, pack.Length);
            var record = new PackRecord(pack.Id, pack.Length, pack.Entries);
            Interlocked.Add(ref _writtenPackBytes, pack.Length);
            lock (_unindexed) _unindexed.Add(record);
            if (_unindexed.Count >= FormatConstants.PacksPerIndex) await FlushIndexAsync(ct).ConfigureAwait(false);
        }
    }

    private async Task FlushIndexAsync(CancellationToken ct)
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
        try { await Task.WhenAll([.. _workers, _packer, _uploader]).ConfigureAwait(false); }
        catch (Exception) { /* reported by CompleteAsync or the producer */ }
        while (_work.Reader.TryRead(out WorkItem w)) ArrayPool<byte>.Shared.Return(w.Buffer);
        while (_seal.Reader.TryRead(out SealItem s)) ArrayPool<byte>.Shared.Return(s.Buffer);
        _cts.Dispose();
    }

    private readonly record struct WorkItem(byte[] Buffer, int Length, BlobId[] Ids, int Slot, bool Compress, DeltaPlan? Deltas);
    private readonly record struct SealItem(BlobId Id, byte[] Buffer, int Length, byte Compression, int RawLength);
}
