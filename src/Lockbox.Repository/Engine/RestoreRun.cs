using System.Buffers;
using System.Security.Cryptography;
using Lockbox.Repository.Format;
using Lockbox.Repository.Format.Index;
using Lockbox.Repository.Format.Pack;
using Lockbox.Repository.Format.Snapshot;
using Microsoft.Win32.SafeHandles;

namespace Lockbox.Repository.Engine;

/// <summary>
/// Restores a snapshot: plans which blobs each pack supplies, reads each needed pack once (checking its
/// hash), decrypts and checks every blob, writes into temporary files, and renames them into place only
/// after every byte was authenticated. On any failure the temporary files are deleted: no wrong file is left.
/// </summary>
internal sealed partial class RestoreRun(RepositoryState state, IProgress<RestoreProgress>? progress)
{
    private const string TempSuffix = ".lockbox-partial";
    private long _done, _total, _lastReport;
    /// <summary>Packs opened at once: one per core (at least two).</summary>
    private static readonly int Decoders = Math.Max(2, Environment.ProcessorCount);
    /// <summary>
    /// Packs downloaded ahead of the decoding slots, each one pack buffer more in memory: two from a remote store
    /// (1 GiB from s3rver: 8.5-9.7 s instead of 11.2-11.4 s), none from a local folder, where reading a pack is a copy
    /// from the page cache that the decoding slot does itself (docs/PERFORMANCE.md, "Restore and verify memory at 4 GiB").
    /// </summary>
    private int ReadAhead => state.Store is Storage.FolderBlobStore ? 0 : 2;
    private readonly SemaphoreSlim _decoders = new(Decoders);
    private long[] _remaining = [];
    private int _filesDone, _filesTotal;
    private readonly HashSet<string> _flushed = new(StringComparer.Ordinal);
    private Task _flushing = Task.CompletedTask;

    /// <summary>A file the restore writes; <see cref="ModifiedTicks"/> (UTC ticks) is its recorded modification time, or null for none (the database).</summary>
    private sealed record Target(string FinalPath, string TempPath, long Length, long? ModifiedTicks = null);

    /// <summary>Restored files are the user's chats: readable by the user only, and so is every folder the restore creates.</summary>
    private const UnixFileMode FileMode0600 = UnixFileMode.UserRead | UnixFileMode.UserWrite;
    private const UnixFileMode FolderMode0700 = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute;

    /// <summary>With <see cref="RestoreRequest.ContinuePastDamage"/>: per target, the byte ranges that could not be read, and the objects to blame.</summary>
    private readonly Dictionary<int, (List<(long Offset, long Length)> Ranges, SortedSet<string> Objects)> _lost = [];
    private bool _tolerant;

    /// <summary>Records that a range of a target cannot be restored (continue mode), or throws the damage (default).</summary>
    private void Lose(int target, long offset, long length, string obj, string problem)
    {
        if (!_tolerant) throw new RepositoryDamagedException(obj, problem);
        lock (_lost)
        {
            if (!_lost.TryGetValue(target, out var l)) _lost[target] = l = ([], new SortedSet<string>(StringComparer.Ordinal));
            l.Ranges.Add((offset, length));
            l.Objects.Add(obj);
        }
    }

    private bool IsLost(int target)
    {
        lock (_lost) return _lost.ContainsKey(target);
    }

    /// <summary>Where the ranges of a target that could not be restored start.</summary>
    private HashSet<long> LostOffsets(int target)
    {
        lock (_lost) return _lost.TryGetValue(target, out var l) ? [.. l.Ranges.Select(r => r.Offset)] : [];
    }

    /// <summary>
    /// Restores the database first and renames it into place as soon as all of its bytes are authenticated (messages
    /// first: the app can open the chats while the media still arrive), then the media, unless <see cref="RestoreRequest.DatabaseOnly"/>.
    /// </summary>
    public async Task<RestoreResult> RunAsync(BlobId snapshotId, SnapshotManifest snapshot, RestoreRequest request, CancellationToken ct)
    {
        var clock = System.Diagnostics.Stopwatch.StartNew();
        _tolerant = request.ContinuePastDamage;
        bool overwrite = request.Overwrite;
        bool withDatabase = !request.MediaOnly;
        DeltaEntry[] deltaEntries = withDatabase ? await state.ReadDeltaListAsync(snapshot, snapshotId, ct).ConfigureAwait(false) : [];
        var include = new MediaGlob(request.Include);
        List<MediaEntry> media = request.DatabaseOnly ? [] : (await state.ReadMediaListAsync(snapshot, snapshotId, ct).ConfigureAwait(false)).Where(m => include.Matches(m.Path)).ToList();
        string root = Path.GetFullPath(request.TargetDirectory);
        string suffix = TempSuffix + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(4));

        var targets = new List<Target> { new(Path.Combine(root, snapshot.DatabaseName), Path.Combine(root, snapshot.DatabaseName + suffix), withDatabase ? snapshot.DatabaseBytes : 0) };
        foreach (MediaEntry m in media)
        {
            string final = Path.Combine(root, snapshot.MediaFolder, m.Path.Replace('/', Path.DirectorySeparatorChar));
            targets.Add(new Target(final, final + suffix, m.Size, m.ModifiedTicks));
        }
        if (!overwrite)
        {
            foreach (Target t in targets.Skip(withDatabase ? 0 : 1))
                if (File.Exists(t.FinalPath) || Directory.Exists(t.FinalPath)) throw new RestoreTargetExistsException(t.FinalPath);
        }

        // Plan: pack → every place one of its blobs goes, 8 bytes per place (RestorePlan). The block list is read piece
        // by piece into it, never held whole; the index is needed only here and is let go before the first pack is read.
        string snapName = FormatConstants.SnapshotPrefix + snapshotId.ToHex();
        var plan = new RestorePlan(snapshot, media, state.Config.MediaPieceSize, state.Index.PackCount);
        void Need(bool isMedia, int number, BlobId id, bool isBase = false)
        {
            var (target, offset, length) = plan.Locate(isMedia, number);
            if (!state.Index.TryLocate(id, out int position, out int entryIndex))
            {
                Lose(target, offset, length, snapName, $"blob {id.ToHex()[..16]} is missing from the repository");
                return;
            }
            PackRecord pack = state.Index.PackAt(position);
            PackEntry entry = state.Index.EntryAt(id, position, entryIndex);
            if (entry.RawLength != length || entry.Compression == FormatConstants.CompressionDelta)
                throw new RepositoryDamagedException(snapName, $"blob {id.ToHex()[..16]} has the wrong length or kind");
            plan.Add(isMedia, position, pack, new RestorePlace(number, isBase ? entryIndex | RestorePlace.BaseFlag : entryIndex));
        }
        _deltaEntries = deltaEntries;
        var deltaBlocks = new BlobId[deltaEntries.Length];   // the id of each block stored as a delta, to check it once rebuilt
        if (withDatabase)
        {
            if (snapshot.BlockCount > int.MaxValue) throw new RepositoryDamagedException(snapName, "the database has more blocks than a restore supports");
            int nextDelta = 0;
            await state.ForEachBlockAsync(snapshot, snapshotId, (i, id) =>
            {
                if (nextDelta < deltaEntries.Length && deltaEntries[nextDelta].Block == i)
                {
                    // A delta block (format 2): its base's pack rebuilds it, from the payload loaded below.
                    deltaBlocks[nextDelta] = id;
                    Need(false, (int)i, deltaEntries[nextDelta++].Base, isBase: true);
                }
                else
                {
                    Need(false, (int)i, id);
                }
            }, ct).ConfigureAwait(false);
        }
        for (int f = 0; f < media.Count; f++)
            for (int i = 0; i < media[f].Pieces.Length; i++)
                Need(true, plan.FirstPiece(f) + i, media[f].Pieces[i]);
        // The delta blobs' packs are looked up now; the index is then let go, before any pack is read. A delta block's base
        // is written at the block's place with the database's packs, and rebuilt there from its delta once they are all
        // written (ApplyDeltasAsync): no delta payload is held beyond the pack being read.
        var deltaPacks = LocateDeltas(deltaEntries, deltaBlocks, snapName);
        state.ReleaseIndex();
        // Every pack buffer as long as the longest pack read, so none is ever dropped for a longer one.
        _packs = new BufferBag((int)Math.Max(plan.LongestPack, deltaPacks.Keys.Select(p => p.Length).DefaultIfEmpty(0).Max()), wipe: false);
        long rebuilt = 0;   // bytes the delta phase writes again over their bases
        for (int k = 0; k < deltaEntries.Length; k++)
        {
            var (_, offset, length) = plan.Locate(false, (int)deltaEntries[k].Block);
            if (_lostDeltas.TryGetValue(k, out string? blamed)) Lose(0, offset, length, blamed, "delta blob unreadable");
            else rebuilt += length;
        }
        _total = targets.Sum(t => t.Length) + rebuilt;
        _remaining = [.. targets.Select(t => t.Length)];
        if (withDatabase) _remaining[0] += rebuilt;
        _filesTotal = targets.Count - (withDatabase ? 0 : 1);
        _filesDone = targets.Skip(withDatabase ? 0 : 1).Count(t => t.Length == 0); // nothing to write: done from the start

        var created = new List<string>();
        TimeSpan timeToDatabase = TimeSpan.Zero;
        Task databaseInPlace = Task.CompletedTask;
        try
        {
            foreach (Target t in targets.Skip(withDatabase ? 0 : 1))
            {
                CreateFolder(Path.GetDirectoryName(t.TempPath)!);
                created.Add(t.TempPath);
                var create = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write, Share = FileShare.None, PreallocationSize = t.Length };
                if (!OperatingSystem.IsWindows()) create.UnixCreateMode = FileMode0600;
                using var file = new FileStream(t.TempPath, create);
                file.SetLength(t.Length);
            }
            // Packs in memory at once: one per decoding slot plus ReadAhead downloading (docs/PERFORMANCE.md, "Memory and cloud restore").
            var options = new ParallelOptions { MaxDegreeOfParallelism = Decoders + ReadAhead, CancellationToken = ct };
            await Parallel.ForEachAsync(plan.DatabasePacks, options,
                async (p, token) => await RestorePackAsync(plan, false, p, targets, token).ConfigureAwait(false)).ConfigureAwait(false);
            if (deltaPacks.Count > 0)
            {
                HashSet<long> lostPlaces = LostOffsets(0);
                await Parallel.ForEachAsync(deltaPacks, options, async (p, token) =>
                    await ApplyDeltasAsync(plan, p.Key, p.Value, deltaBlocks, lostPlaces, targets[0], token).ConfigureAwait(false)).ConfigureAwait(false);
            }
            deltaPacks.Clear();
            deltaBlocks = [];
            ReleaseDatabasePhase(plan);
            // The database is flushed and renamed into place while the media packs are already being opened: its fsync
            // (hundreds of MiB) no longer leaves both cores idle between the two phases (docs/PERFORMANCE.md).
            databaseInPlace = Task.Run(async () =>
            {
                if (withDatabase && !IsLost(0)) await FinishAsync(targets.Take(1), created, overwrite).ConfigureAwait(false);
                timeToDatabase = clock.Elapsed;
                progress?.Report(new RestoreProgress("messages", Interlocked.Read(ref _done), _total) { FilesDone = Volatile.Read(ref _filesDone), FilesTotal = _filesTotal });
            }, CancellationToken.None);
            await Parallel.ForEachAsync(plan.MediaPacks, options,
                async (p, token) => await RestorePackAsync(plan, true, p, targets, token).ConfigureAwait(false)).ConfigureAwait(false);
            await databaseInPlace.ConfigureAwait(false);
            progress?.Report(new RestoreProgress("finish", _total, _total) { FilesDone = Volatile.Read(ref _filesDone), FilesTotal = _filesTotal });
            await FinishAsync(targets.Skip(1).Where((_, i) => !IsLost(i + 1)), created, overwrite).ConfigureAwait(false);
        }
        finally
        {
            // A media failure still lets the complete database reach its place (messages first) before the cleanup.
            try { await databaseInPlace.ConfigureAwait(false); }
            catch (Exception) { /* the original failure, or this one when it is the only one, is what the caller sees */ }
            if (created.Count > 0)
            {
                Task pending;
                lock (_flushed) pending = _flushing;
                try { await pending.ConfigureAwait(false); }
                catch (Exception) { /* the original failure is what the caller reports */ }
            }
            foreach (string temp in created)
            {
                try { File.Delete(temp); }
                catch (IOException) { }
                catch (UnauthorizedAccessException) { }
            }
        }
        var missing = new List<MissingFile>();
        foreach (var (target, (ranges, objects)) in _lost.OrderBy(kv => kv.Key))
        {
            if (target == 0)
            {
                long pageSize = snapshot.PageSize > 0 ? snapshot.PageSize : snapshot.BlockSize;
                var pages = new SortedSet<long>();
                foreach (var (offset, length) in ranges)
                    for (long page = offset / pageSize; page * pageSize < offset + Math.Max(length, 1); page++) pages.Add(page + 1);
                missing.Add(new MissingFile(snapshot.DatabaseName, [.. pages], [.. objects]));
            }
            else
            {
                missing.Add(new MissingFile(snapshot.MediaFolder + "/" + media[target - 1].Path, [], [.. objects]));
            }
        }
        int mediaRestored = media.Count - _lost.Keys.Count(k => k > 0);
        long written = targets.Where((t, i) => !IsLost(i)).Sum(t => t.Length);
        return new RestoreResult(snapshotId.ToHex(), withDatabase && !IsLost(0) ? targets[0].FinalPath : "", mediaRestored, written, timeToDatabase, clock.Elapsed)
        {
            Missing = missing,
        };
    }

    /// <summary>Flushes completed temporary files to disk and renames them into place (every byte of them was authenticated).</summary>
    private async Task FinishAsync(IEnumerable<Target> done, List<string> created, bool overwrite)
    {
        Task flushing;
        lock (_flushed) flushing = _flushing;
        await flushing.ConfigureAwait(false);
        var list = done.ToList();
        foreach (Target t in list)
        {
            bool queued;
            lock (_flushed) queued = _flushed.Contains(t.TempPath);
            if (queued) continue;
            using (SafeFileHandle h = File.OpenHandle(t.TempPath, FileMode.Open, FileAccess.ReadWrite))
                RandomAccess.FlushToDisk(h);
        }
        foreach (Target t in list)
        {
            // The modification time the backup recorded (galleries sort by it); a rename keeps it.
            if (t.ModifiedTicks is long ticks && ticks >= DateTime.MinValue.Ticks && ticks <= DateTime.MaxValue.Ticks)
                File.SetLastWriteTimeUtc(t.TempPath, new DateTime(ticks, DateTimeKind.Utc));
            File.Move(t.TempPath, t.FinalPath, overwrite);
            created.Remove(t.TempPath);
        }
    }

    /// <summary>Creates <paramref name="folder"/> and any missing parent with mode 0700 (on Unix); existing folders keep their mode.</summary>
    private static void CreateFolder(string folder)
    {
        if (OperatingSystem.IsWindows())
        {
            Directory.CreateDirectory(folder);
            return;
        }
        // Directory.CreateDirectory(path, mode) gives the mode to the last folder only: create each missing one in turn.
        var missing = new Stack<string>();
        for (string? f = folder; f is not null && !Directory.Exists(f); f = Path.GetDirectoryName(f)) missing.Push(f);
        while (missing.TryPop(out string? f)) Directory.CreateDirectory(f, FolderMode0700);
    }

    /// <summary>The restore's pack buffers, each as long as the longest pack of the plan (made once the plan is known).</summary>
    private BufferBag _packs = new(0, wipe: false);
    private readonly BufferBag _headers = new(0, wipe: false);
    /// <summary>AEAD frames of media pieces (plaintext: <see cref="PackReader.OpenBlob(RepositoryKeys, PackCipher, in PackEntry, ReadOnlySpan{byte}, Span{byte}, byte[])"/> wipes them).</summary>
    private readonly BufferBag _frames = new(0, wipe: false);

    /// <summary>
    /// Reads a pack into a buffer of the restore's (at most <see cref="_decoders"/> + read-ahead packs in memory at once), then
    /// runs <paramref name="decode"/> on it on one of <see cref="_decoders"/> slots: on a remote store the next packs download
    /// while the cores decode, instead of each worker waiting for its own download. A pack that cannot be read is damage, or
    /// with <see cref="RestoreRequest.ContinuePastDamage"/> the problem is handed to <paramref name="lose"/>.
    /// </summary>
    private async Task WithPackAsync(string name, long length, Action<string> lose, Func<Memory<byte>, Task> decode, CancellationToken ct)
    {
        byte[] buffer = _packs.Rent((int)length);
        try
        {
            try
            {
                await state.ReadPackAsync(name, length, buffer, ct, hashed: false).ConfigureAwait(false);
            }
            catch (RepositoryDamagedException e) when (_tolerant)
            {
                lose(e.Problem);
                return;
            }
            await _decoders.WaitAsync(ct).ConfigureAwait(false);
            try
            {
                await decode(buffer.AsMemory(0, (int)length)).ConfigureAwait(false);
            }
            finally
            {
                _decoders.Release();
            }
        }
        finally
        {
            _packs.Return(buffer);
        }
    }

    private Task RestorePackAsync(RestorePlan plan, bool media, PackPlan pack, List<Target> targets, CancellationToken ct) =>
        WithPackAsync(pack.Name, pack.Length, problem => LoseAll(plan, media, pack, problem),
            data => OpenPackAsync(plan, media, pack, data, targets, ct), ct);

    /// <summary>
    /// Once every database pack is opened and every delta block rebuilt, the delta list and the database's places are
    /// garbage (docs/PERFORMANCE.md, "The index at 40 bytes a blob"). A compacting collection gives them back before the
    /// media packs are read, when there are any.
    /// </summary>
    private void ReleaseDatabasePhase(RestorePlan plan)
    {
        _deltaEntries = [];
        plan.ReleaseDatabasePlaces();
        if (plan.MediaPacks.Count > 0) PackMemory.CompactAfterPlanning();
    }

    private void LoseAll(RestorePlan plan, bool media, PackPlan pack, string problem)
    {
        foreach (RestorePlace place in pack.Places)
        {
            var (target, offset, length) = plan.Locate(media, place.Number);
            Lose(target, offset, length, pack.Name, problem);
        }
    }

    private async Task OpenPackAsync(RestorePlan plan, bool media, PackPlan pack, Memory<byte> data, List<Target> targets, CancellationToken ct)
    {
        using var cipher = new PackCipher(state.Keys, data.Span[..FormatConstants.PackSaltSize]);
        // The pack's own header gives each place's entry: its tag authenticates it, and its entries must be exactly the ones
        // the index listed for it when the plan was made (FORMAT.md sections 6, 7 and 11; the pack itself is not hashed).
        byte[] header = [];
        try
        {
            int entriesLength;
            long headerStart;
            try
            {
                header = _headers.Rent(PackReader.HeaderLength(data.Span));
                entriesLength = PackReader.OpenIndexedHeader(cipher, data.Span, header, pack.EntriesDigest, out headerStart).Length;
            }
            catch (CorruptDataException e)
            {
                LoseAll(plan, media, pack, e.Message);
                return;
            }
            // OpenHeader's entries are the header's bytes after its version byte.
            await OpenPlacesAsync(plan, media, pack, data, header.AsMemory(1, entriesLength), headerStart, cipher, targets, ct).ConfigureAwait(false);
        }
        finally
        {
            _headers.Return(header);
        }
    }

    private async Task OpenPlacesAsync(RestorePlan plan, bool media, PackPlan pack, Memory<byte> data, ReadOnlyMemory<byte> listed, long headerStart,
        PackCipher cipher, List<Target> targets, CancellationToken ct)
    {
        List<RestorePlace> places = pack.Places;
        int entryCount = (int)System.Buffers.Binary.BinaryPrimitives.ReadUInt32LittleEndian(listed.Span);

        // Every place this pack's blobs go, in file order: consecutive database blocks are opened straight into
        // one run buffer and written with one call instead of one small write per 4 KiB block.
        // Blobs needed at several places (a block repeated in the database) are opened once.
        int[] uses = ArrayPool<int>.Shared.Rent(entryCount);
        Array.Clear(uses, 0, entryCount);
        foreach (RestorePlace place in places) uses[place.Position]++;
        places.Sort(static (a, b) => a.Number.CompareTo(b.Number));

        var handles = new Dictionary<int, SafeFileHandle>();
        Dictionary<int, byte[]>? opened = null;  // blobs needed at several places: opened once
        HashSet<int>? writtenEverywhere = null;  // large shared blobs, written to all their places when first opened
        byte[] run = RentRun();
        byte[]? frame = media ? _frames.Rent(0) : null;
        int runTarget = -1, runLength = 0;
        long runOffset = 0;
        try
        {
            foreach (RestorePlace place in places)
            {
                var (target, offset, length) = plan.Locate(media, place.Number);
                int entryIndex = place.Position;
                // A base is written at its delta block's place as it is: the delta phase rebuilds the block there.
                if (place.IsBase && _lostDeltas.ContainsKey(DeltaSlot(place.Number))) continue;   // its delta was lost: reported
                PackEntry entry;
                try
                {
                    entry = PackReader.EntryAt(listed.Span, entryIndex, headerStart);
                    if (entry.RawLength != length) throw new CorruptDataException($"blob {entry.Id.ToHex()[..16]} has the wrong length");
                }
                catch (CorruptDataException e)
                {
                    Lose(target, offset, length, pack.Name, e.Message);
                    continue;
                }
                bool shared = uses[entryIndex] > 1;
                if (runLength > 0 && (target != runTarget || offset != runOffset + runLength || runLength + length > run.Length))
                {
                    await WriteRunAsync(handles, targets, runTarget, run.AsMemory(0, runLength), runOffset, ct).ConfigureAwait(false);
                    runLength = 0;
                }
                if (runLength == 0)
                {
                    runTarget = target;
                    runOffset = offset;
                    if (length > run.Length)
                    {
                        ReturnRun(run);
                        run = [];
                        run = ArrayPool<byte>.Shared.Rent(length);
                    }
                }
                if (frame is not null && frame.Length < entry.SealedLength) frame = GrowFrame(frame, (int)entry.SealedLength);
                Memory<byte> sealedBlob = data.Slice((int)entry.Offset, (int)entry.SealedLength);
                Span<byte> destination = run.AsSpan(runLength, length);
                if (shared && opened is not null && opened.TryGetValue(entryIndex, out byte[]? copy))
                {
                    copy.AsSpan(0, length).CopyTo(destination);
                }
                else if (shared && length > SmallShared && writtenEverywhere is not null && writtenEverywhere.Contains(entryIndex))
                {
                    continue;   // a large blob already written to this place with its first one
                }
                else
                {
                    try
                    {
                        PackReader.OpenBlob(state.Keys, cipher, entry, sealedBlob.Span, destination, frame);
                    }
                    catch (CorruptDataException e)
                    {
                        Lose(target, offset, length, pack.Name, e.Message);
                        continue;
                    }
                    if (shared && length > SmallShared)
                    {
                        // A media piece several files share: written to its other places now rather than copied
                        // and kept until the pack is done (a copy per piece of every duplicated photo).
                        foreach (RestorePlace other in places)
                        {
                            if (other.Position != entryIndex || other.Number == place.Number || other.IsBase) continue;
                            var (otherTarget, otherOffset, _) = plan.Locate(media, other.Number);
                            await WriteRunAsync(handles, targets, otherTarget, run.AsMemory(runLength, length), otherOffset, ct).ConfigureAwait(false);
                        }
                        (writtenEverywhere ??= []).Add(entryIndex);
                    }
                    else if (shared)
                    {
                        byte[] keep = ArrayPool<byte>.Shared.Rent(length);
                        destination.CopyTo(keep);
                        (opened ??= [])[entryIndex] = keep;
                    }
                }
                runLength += length;
            }
            if (runLength > 0)
                await WriteRunAsync(handles, targets, runTarget, run.AsMemory(0, runLength), runOffset, ct).ConfigureAwait(false);
        }
        finally
        {
            ArrayPool<int>.Shared.Return(uses);
            ReturnRun(run);
            if (frame is not null) _frames.Return(frame);
            if (opened is not null)
                foreach (byte[] b in opened.Values) ReturnCleared(b, b.Length);
            foreach (SafeFileHandle h in handles.Values) h.Dispose();
        }
    }

    /// <summary>A longer frame buffer for a media piece (the restore's own, so it is not kept per pool thread).</summary>
    private byte[] GrowFrame(byte[] frame, int minimum)
    {
        _frames.Return(frame);
        return _frames.Rent(minimum);
    }

    private const int RunSize = 2 << 20;

    /// <summary>Blobs up to this length needed at several places (database blocks) are kept as a copy until their pack is done.</summary>
    private const int SmallShared = 64 << 10;

    /// <summary>
    /// Run buffers of this restore (at most one per decoding slot at a time). Kept here rather than in
    /// <see cref="ArrayPool{T}.Shared"/>, which keeps a buffer per pool thread that touched one: the restore's
    /// continuations hop across a dozen threads, and their cached 2 MiB runs stayed in RSS to the end.
    /// </summary>
    private readonly System.Collections.Concurrent.ConcurrentBag<byte[]> _runs = [];

    private byte[] RentRun() => _runs.TryTake(out byte[]? run) ? run : GC.AllocateUninitializedArray<byte>(RunSize);

    /// <summary>Wipes a run buffer (it held plaintext) and keeps it for the next pack.</summary>
    private void ReturnRun(byte[] run)
    {
        if (run.Length == 0) return;
        CryptographicOperations.ZeroMemory(run);
        if (run.Length == RunSize) _runs.Add(run);
        else ArrayPool<byte>.Shared.Return(run);
    }

    private static void ReturnCleared(byte[] buffer, int used)
    {
        if (buffer.Length == 0) return;
        CryptographicOperations.ZeroMemory(buffer.AsSpan(0, used));
        ArrayPool<byte>.Shared.Return(buffer);
    }

    private async Task WriteRunAsync(Dictionary<int, SafeFileHandle> handles, List<Target> targets, int target, ReadOnlyMemory<byte> bytes, long offset, CancellationToken ct)
    {
        if (!handles.TryGetValue(target, out SafeFileHandle? h))
            handles[target] = h = File.OpenHandle(targets[target].TempPath, FileMode.Open, FileAccess.Write, FileShare.Write);
        await RandomAccess.WriteAsync(h, bytes, offset, ct).ConfigureAwait(false);
        Advance(bytes.Length);
        if (Interlocked.Add(ref _remaining[target], -bytes.Length) == 0)
        {
            Interlocked.Increment(ref _filesDone);
            StartFlush(targets[target].TempPath);
        }
    }

    /// <summary>
    /// Queues a completed temporary file to be flushed to disk while other packs are still being opened. The
    /// flushes run one after another on one pool thread, so a slow disk never ties up the decoding threads;
    /// after a failed flush the later ones are skipped and the failure surfaces when the restore awaits them.
    /// </summary>
    private void StartFlush(string tempPath)
    {
        lock (_flushed)
        {
            _flushed.Add(tempPath);
            _flushing = _flushing.ContinueWith(previous =>
            {
                previous.GetAwaiter().GetResult();
                using SafeFileHandle h = File.OpenHandle(tempPath, FileMode.Open, FileAccess.ReadWrite);
                RandomAccess.FlushToDisk(h);
            }, CancellationToken.None, TaskContinuationOptions.None, TaskScheduler.Default);
        }
    }

    private void Advance(long n)
    {
        long done = Interlocked.Add(ref _done, n);
        if (progress is not null && done - Interlocked.Read(ref _lastReport) >= 16 << 20)
        {
            Interlocked.Exchange(ref _lastReport, done);
            progress.Report(new RestoreProgress("restore", done, _total) { FilesDone = Volatile.Read(ref _filesDone), FilesTotal = _filesTotal });
        }
    }
}
