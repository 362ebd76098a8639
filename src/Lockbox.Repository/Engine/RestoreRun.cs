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

    private sealed record Target(string FinalPath, string TempPath, long Length);
    private readonly record struct Write(int Target, long Offset);

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

        // Plan: pack → blob → where its bytes go.
        var plan = new Dictionary<BlobId, (PackRecord Pack, Dictionary<BlobId, (PackEntry Entry, List<Write> Writes)> Blobs)>();
        void Need(BlobId id, int target, long offset, long expectedLength, string owner)
        {
            if (!state.Index.TryGet(id, out PackRecord pack, out PackEntry entry))
                throw new RepositoryDamagedException(owner, $"blob {id.ToHex()[..16]} is missing from the repository");
            if (entry.RawLength != expectedLength)
                throw new RepositoryDamagedException(owner, $"blob {id.ToHex()[..16]} has the wrong length");
            if (!plan.TryGetValue(pack.Id, out var p)) plan[pack.Id] = p = (pack, []);
            if (!p.Blobs.TryGetValue(id, out var b)) p.Blobs[id] = b = (entry, []);
            b.Writes.Add(new Write(target, offset));
        }
        string snapName = FormatConstants.SnapshotPrefix + snapshotId.ToHex();
        for (int i = 0; i < blocks.Length; i++)
            Need(blocks[i], 0, (long)i * snapshot.BlockSize, Math.Min(snapshot.BlockSize, snapshot.DatabaseBytes - (long)i * snapshot.BlockSize), snapName);
        int pieceSize = state.Config.MediaPieceSize;
        for (int f = 0; f < media.Count; f++)
            for (int i = 0; i < media[f].Pieces.Length; i++)
                Need(media[f].Pieces[i], f + 1, (long)i * pieceSize, Math.Min(pieceSize, media[f].Size - (long)i * pieceSize), snapName);
        _total = targets.Sum(t => t.Length);

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
                async (p, token) => await RestorePackAsync(p.Pack, p.Blobs, targets, token).ConfigureAwait(false)).ConfigureAwait(false);
            progress?.Report(new RestoreProgress("finish", _total, _total));
            foreach (Target t in targets)
            {
                using (SafeFileHandle h = File.OpenHandle(t.TempPath, FileMode.Open, FileAccess.ReadWrite))
                    RandomAccess.FlushToDisk(h);
            }
            foreach (Target t in targets)
                File.Move(t.TempPath, t.FinalPath, overwrite);
            created.Clear();
        }
        finally
        {
            foreach (string temp in created)
            {
                try { File.Delete(temp); }
                catch (IOException) { }
                catch (UnauthorizedAccessException) { }
            }
        }
        return new RestoreResult(snapshotId.ToHex(), targets[0].FinalPath, media.Count, _total);
    }

    private async Task RestorePackAsync(PackRecord pack, Dictionary<BlobId, (PackEntry Entry, List<Write> Writes)> blobs, List<Target> targets, CancellationToken ct)
    {
        _memory.Downloaded(pack.Length);
        byte[] data = await state.GetAsync(pack.Name, ct).ConfigureAwait(false);
        if (data.Length != pack.Length) throw new RepositoryDamagedException(pack.Name, "has the wrong length (truncated or replaced)");
        RepositoryState.CheckName(pack.Name, FormatConstants.DataPrefix, data);
        using var cipher = new PackCipher(state.Keys, data.AsSpan(0, FormatConstants.PackSaltSize));
        var handles = new Dictionary<int, SafeFileHandle>();
        try
        {
            foreach (var (id, (entry, writes)) in blobs)
            {
                byte[] rented = System.Buffers.ArrayPool<byte>.Shared.Rent((int)entry.RawLength);
                try
                {
                    Memory<byte> raw = rented.AsMemory(0, (int)entry.RawLength);
                    try
                    {
                        PackReader.OpenBlob(state.Keys, cipher, entry, data.AsSpan((int)entry.Offset, (int)entry.SealedLength), raw.Span);
                    }
                    catch (CorruptDataException e)
                    {
                        throw new RepositoryDamagedException(pack.Name, e.Message);
                    }
                    foreach (Write w in writes)
                    {
                        if (!handles.TryGetValue(w.Target, out SafeFileHandle? h))
                            handles[w.Target] = h = File.OpenHandle(targets[w.Target].TempPath, FileMode.Open, FileAccess.Write, FileShare.Write);
                        await RandomAccess.WriteAsync(h, raw, w.Offset, ct).ConfigureAwait(false);
                        Advance(raw.Length);
                    }
                }
                finally
                {
                    System.Buffers.ArrayPool<byte>.Shared.Return(rented, clearArray: true);
                }
            }
        }
        finally
        {
            foreach (SafeFileHandle h in handles.Values) h.Dispose();
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
