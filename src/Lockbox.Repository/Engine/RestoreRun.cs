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
internal sealed class RestoreRun(RepositoryState state, IProgress<RestoreProgress>? progress)
{
    private const string TempSuffix = ".lockbox-partial";
    private long _done, _total, _lastReport;
    private readonly PackMemory _memory = new();
    private long[] _remaining = [];
    private readonly HashSet<string> _flushed = new(StringComparer.Ordinal);
    private Task _flushing = Task.CompletedTask;

    private sealed record Target(string FinalPath, string TempPath, long Length);
    private readonly record struct Place(PackEntry Entry, int Target, long Offset);

    public async Task<RestoreResult> RunAsync(BlobId snapshotId, SnapshotManifest snapshot, string targetDirectory, bool overwrite, CancellationToken ct)
    {
        BlobId[] blocks = await state.ReadBlockListAsync(snapshot, ct).ConfigureAwait(false);
        List<MediaEntry> media = await state.ReadMediaListAsync(snapshot, snapshotId, ct).ConfigureAwait(false);
        string root = Path.GetFullPath(targetDirectory);
        string suffix = TempSuffix + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(4));

        var targets = new List<Target> { new(Path.Combine(root, snapshot.DatabaseName), Path.Combine(root, snapshot.DatabaseName + suffix), snapshot.DatabaseBytes) };
        foreach (MediaEntry m in media)
        {
            string final = Path.Combine(root, "media", m.Path.Replace('/', Path.DirectorySeparatorChar));
            targets.Add(new Target(final, final + suffix, m.Size));
        }
        if (!overwrite)
        {
            foreach (Target t in targets)
                if (File.Exists(t.FinalPath) || Directory.Exists(t.FinalPath)) throw new RestoreTargetExistsException(t.FinalPath);
        }

        // Plan: pack → every place one of its blobs goes. One flat list of structs per pack (no object per blob),
        // so the plan stays small and cheap for the collector as the database grows.
        var plan = new Dictionary<BlobId, (PackRecord Pack, List<Place> Places)>();
        void Need(BlobId id, int target, long offset, long expectedLength, string owner)
        {
            if (!state.Index.TryGet(id, out PackRecord pack, out PackEntry entry))
                throw new RepositoryDamagedException(owner, $"blob {id.ToHex()[..16]} is missing from the repository");
            if (entry.RawLength != expectedLength)
                throw new RepositoryDamagedException(owner, $"blob {id.ToHex()[..16]} has the wrong length");
            if (!plan.TryGetValue(pack.Id, out var p)) plan[pack.Id] = p = (pack, []);
            p.Places.Add(new Place(entry, target, offset));
        }
        string snapName = FormatConstants.SnapshotPrefix + snapshotId.ToHex();
        for (int i = 0; i < blocks.Length; i++)
            Need(blocks[i], 0, (long)i * snapshot.BlockSize, Math.Min(snapshot.BlockSize, snapshot.DatabaseBytes - (long)i * snapshot.BlockSize), snapName);
        int pieceSize = state.Config.MediaPieceSize;
        for (int f = 0; f < media.Count; f++)
            for (int i = 0; i < media[f].Pieces.Length; i++)
                Need(media[f].Pieces[i], f + 1, (long)i * pieceSize, Math.Min(pieceSize, media[f].Size - (long)i * pieceSize), snapName);
        _total = targets.Sum(t => t.Length);
        _remaining = [.. targets.Select(t => t.Length)];

        var created = new List<string>();
        try
        {
            foreach (Target t in targets)
            {
                Directory.CreateDirectory(Path.GetDirectoryName(t.TempPath)!);
                created.Add(t.TempPath);
                using SafeFileHandle h = File.OpenHandle(t.TempPath, FileMode.CreateNew, FileAccess.Write, FileShare.None, FileOptions.None, t.Length);
                RandomAccess.SetLength(h, t.Length);
            }
            await Parallel.ForEachAsync(plan.Values, new ParallelOptions { MaxDegreeOfParallelism = 3, CancellationToken = ct },
                async (p, token) => await RestorePackAsync(p.Pack, p.Places, targets, token).ConfigureAwait(false)).ConfigureAwait(false);
            progress?.Report(new RestoreProgress("finish", _total, _total));
            Task flushing;
            lock (_flushed) flushing = _flushing;
            await flushing.ConfigureAwait(false);
            foreach (Target t in targets)
            {
                if (_flushed.Contains(t.TempPath)) continue;
                using (SafeFileHandle h = File.OpenHandle(t.TempPath, FileMode.Open, FileAccess.ReadWrite))
                    RandomAccess.FlushToDisk(h);
            }
            foreach (Target t in targets)
                File.Move(t.TempPath, t.FinalPath, overwrite);
            created.Clear();
        }
        finally
        {
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
        return new RestoreResult(snapshotId.ToHex(), targets[0].FinalPath, media.Count, _total);
    }

    private async Task RestorePackAsync(PackRecord pack, List<Place> places, List<Target> targets, CancellationToken ct)
    {
        _memory.Downloaded(pack.Length);
        byte[] data = await state.GetAsync(pack.Name, ct).ConfigureAwait(false);
        if (data.Length != pack.Length) throw new RepositoryDamagedException(pack.Name, "has the wrong length (truncated or replaced)");
        RepositoryState.CheckName(pack.Name, FormatConstants.DataPrefix, data);
        using var cipher = new PackCipher(state.Keys, data.AsSpan(0, FormatConstants.PackSaltSize));

        // Every place this pack's blobs go, in file order: consecutive database blocks are opened straight into
        // one run buffer and written with one call instead of one small write per 4 KiB block.
        // Blobs needed at several places (a block repeated in the database) are opened once.
        var uses = new Dictionary<uint, int>(places.Count);
        foreach (Place place in places) uses[place.Entry.Offset] = uses.GetValueOrDefault(place.Entry.Offset) + 1;
        places.Sort(static (a, b) => a.Target != b.Target ? a.Target.CompareTo(b.Target) : a.Offset.CompareTo(b.Offset));

        var handles = new Dictionary<int, SafeFileHandle>();
        Dictionary<uint, byte[]>? opened = null; // blobs needed at several places: opened once
        byte[] run = ArrayPool<byte>.Shared.Rent(RunSize);
        int runTarget = -1, runLength = 0;
        long runOffset = 0;
        try
        {
            foreach (var (entry, target, offset) in places)
            {
                int length = (int)entry.RawLength;
                bool shared = uses[entry.Offset] > 1;
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
                        ReturnCleared(run, run.Length);
                        run = [];
                        run = ArrayPool<byte>.Shared.Rent(length);
                    }
                }
                Span<byte> destination = run.AsSpan(runLength, length);
                if (shared && opened is not null && opened.TryGetValue(entry.Offset, out byte[]? copy))
                {
                    copy.AsSpan(0, length).CopyTo(destination);
                }
                else
                {
                    try
                    {
                        PackReader.OpenBlob(state.Keys, cipher, entry, data.AsSpan((int)entry.Offset, (int)entry.SealedLength), destination);
                    }
                    catch (CorruptDataException e)
                    {
                        throw new RepositoryDamagedException(pack.Name, e.Message);
                    }
                    if (shared)
                    {
                        byte[] keep = ArrayPool<byte>.Shared.Rent(length);
                        destination.CopyTo(keep);
                        (opened ??= [])[entry.Offset] = keep;
                    }
                }
                runLength += length;
            }
            if (runLength > 0)
                await WriteRunAsync(handles, targets, runTarget, run.AsMemory(0, runLength), runOffset, ct).ConfigureAwait(false);
        }
        finally
        {
            ReturnCleared(run, run.Length);
            if (opened is not null)
                foreach (byte[] b in opened.Values) ReturnCleared(b, b.Length);
            foreach (SafeFileHandle h in handles.Values) h.Dispose();
        }
    }

    private const int RunSize = 2 << 20;

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
        if (Interlocked.Add(ref _remaining[target], -bytes.Length) == 0) StartFlush(targets[target].TempPath);
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
            progress.Report(new RestoreProgress("restore", done, _total));
        }
    }
}
