using System.Buffers;
using Lockbox.Repository.Format;
using Lockbox.Repository.Format.Index;
using Lockbox.Repository.Format.Pack;
using Lockbox.Repository.Format.Snapshot;
using Microsoft.Win32.SafeHandles;

namespace Lockbox.Repository.Engine;

/// <summary>
/// The restore's delta blocks (format 2): the delta blobs are located in the index while it is loaded; the database phase
/// writes each delta block's base at the block's place; once every database pack is written, each pack of delta blobs is
/// read (authenticated) and every delta in it rebuilds its block from the base in place, checked against the block's id
/// before it is written over the base. No delta payload is held beyond its pack: they grow with every day a page's delta
/// stays against the same base, and were all held through the database phase before (docs/PERFORMANCE.md, "Streamed
/// deltas in the restore").
/// </summary>
internal sealed partial class RestoreRun
{
    /// <summary>Per delta entry, what could not be loaded is blamed on (continue mode).</summary>
    private readonly Dictionary<int, string> _lostDeltas = [];
    private DeltaEntry[] _deltaEntries = [];

    /// <summary>Finds the delta blob of every delta entry in the index, by pack (a missing one is lost, or damage).</summary>
    private Dictionary<PackRecord, List<(PackEntry Entry, int Slot)>> LocateDeltas(DeltaEntry[] entries, BlobId[] blocks, string snapName)
    {
        var byPack = new Dictionary<PackRecord, List<(PackEntry Entry, int Slot)>>(ReferenceEqualityComparer.Instance);
        for (int k = 0; k < entries.Length; k++)
        {
            BlobId deltaId = state.Keys.DeltaId(entries[k].Base, blocks[k]);
            if (!state.Index.TryGet(deltaId, out PackRecord pack, out PackEntry entry) || entry.Compression != FormatConstants.CompressionDelta)
            {
                if (!_tolerant) throw new RepositoryDamagedException(snapName, $"delta blob {deltaId.ToHex()[..16]} is missing from the repository");
                _lostDeltas[k] = snapName;
                continue;
            }
            if (!byPack.TryGetValue(pack, out var wanted)) byPack[pack] = wanted = [];
            wanted.Add((entry, k));
        }
        return byPack;
    }

    /// <summary>
    /// Reads one pack of delta blobs and rebuilds each of its <paramref name="wanted"/> blocks in <paramref name="database"/>'s
    /// temporary file from the base written there (a place in <paramref name="lostPlaces"/> lost its base: reported already).
    /// </summary>
    private Task ApplyDeltasAsync(RestorePlan plan, PackRecord pack, List<(PackEntry Entry, int Slot)> wanted, BlobId[] blocks,
        HashSet<long> lostPlaces, Target database, CancellationToken ct) =>
        WithPackAsync(pack.Name, pack.Length, problem =>
        {
            foreach (var (_, k) in wanted)
            {
                var (_, offset, length) = plan.Locate(false, (int)_deltaEntries[k].Block);
                Lose(0, offset, length, pack.Name, problem);
            }
        }, data =>
        {
            RebuildFromBases(plan, pack, data.Span, wanted, blocks, lostPlaces, database);
            return Task.CompletedTask;
        }, ct);

    private void RebuildFromBases(RestorePlan plan, PackRecord pack, ReadOnlySpan<byte> data, List<(PackEntry Entry, int Slot)> wanted, BlobId[] blocks,
        HashSet<long> lostPlaces, Target database)
    {
        using var cipher = new PackCipher(state.Keys, data[..FormatConstants.PackSaltSize]);
        using SafeFileHandle file = File.OpenHandle(database.TempPath, FileMode.Open, FileAccess.ReadWrite, FileShare.ReadWrite);
        byte[] baseRaw = [], block = [];
        try
        {
            foreach (var (entry, k) in wanted)
            {
                var (_, offset, length) = plan.Locate(false, (int)_deltaEntries[k].Block);
                if (lostPlaces.Contains(offset)) continue;
                if (baseRaw.Length < length)
                {
                    ReturnCleared(baseRaw, baseRaw.Length);
                    ReturnCleared(block, block.Length);
                    baseRaw = ArrayPool<byte>.Shared.Rent(length);
                    block = ArrayPool<byte>.Shared.Rent(length);
                }
                if (RandomAccess.Read(file, baseRaw.AsSpan(0, length), offset) != length)
                    throw new IOException($"{database.TempPath} was shortened while the restore wrote it.");
                try
                {
                    PackReader.OpenDelta(state.Keys, cipher, entry, data.Slice((int)entry.Offset, (int)entry.SealedLength),
                        baseRaw.AsSpan(0, length), blocks[k], block.AsSpan(0, length));
                }
                catch (CorruptDataException e)
                {
                    Lose(0, offset, length, pack.Name, e.Message);
                    continue;
                }
                RandomAccess.Write(file, block.AsSpan(0, length), offset);
                Advance(length);
                if (Interlocked.Add(ref _remaining[0], -length) == 0)
                {
                    Interlocked.Increment(ref _filesDone);
                    StartFlush(database.TempPath);
                }
            }
        }
        finally
        {
            ReturnCleared(baseRaw, baseRaw.Length);
            ReturnCleared(block, block.Length);
        }
    }

    /// <summary>The delta entry that rebuilds database block <paramref name="block"/> (the delta list ascends by block).</summary>
    private int DeltaSlot(int block)
    {
        int lo = 0, hi = _deltaEntries.Length - 1;
        while (lo <= hi)
        {
            int mid = lo + ((hi - lo) >> 1);
            long b = _deltaEntries[mid].Block;
            if (b == block) return mid;
            if (b < block) lo = mid + 1;
            else hi = mid - 1;
        }
        throw new InvalidOperationException("A base was planned for a block without a delta entry.");
    }
}
