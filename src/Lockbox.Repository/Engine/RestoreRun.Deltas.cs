using Lockbox.Repository.Format;
using Lockbox.Repository.Format.Index;
using Lockbox.Repository.Format.Pack;
using Lockbox.Repository.Format.Snapshot;

namespace Lockbox.Repository.Engine;

/// <summary>
/// The restore's delta blocks (format 2): the delta blobs are located in the index while it is loaded, their payloads read
/// (each pack once, authenticated) after the index was let go, and each base's pack then rebuilds its block from them.
/// </summary>
internal sealed partial class RestoreRun
{
    /// <summary>A delta blob's authenticated payload, the block it rebuilds, and the pack it came from (for messages).</summary>
    private sealed record LoadedDelta(byte[] Payload, BlobId Block, string Pack);
    private readonly List<LoadedDelta?> _deltas = [];

    /// <summary>Per delta entry, what could not be loaded is blamed on (continue mode).</summary>
    private readonly Dictionary<int, string> _lostDeltas = [];
    private DeltaEntry[] _deltaEntries = [];

    /// <summary>Finds the delta blob of every delta entry in the index, by pack (a missing one is lost, or damage); fills <see cref="_deltas"/> with nulls.</summary>
    private Dictionary<PackRecord, List<(PackEntry Entry, int Slot)>> LocateDeltas(BlobId[] blocks, DeltaEntry[] entries, string snapName)
    {
        var byPack = new Dictionary<PackRecord, List<(PackEntry Entry, int Slot)>>(ReferenceEqualityComparer.Instance);
        for (int k = 0; k < entries.Length; k++)
        {
            BlobId deltaId = state.Keys.DeltaId(entries[k].Base, blocks[k]);
            _deltas.Add(null);
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

    /// <summary>Reads every pack holding delta blobs once and opens them, authenticated, into <see cref="_deltas"/> (null: lost).</summary>
    private async Task LoadDeltasAsync(Dictionary<PackRecord, List<(PackEntry Entry, int Slot)>> byPack, BlobId[] blocks, CancellationToken ct)
    {
        byte[] buffer = [];
        try
        {
            foreach (var (pack, wanted) in byPack)
            {
                if (buffer.Length < pack.Length)
                {
                    _packs.Return(buffer);
                    buffer = _packs.Rent((int)pack.Length);
                }
                try
                {
                    await state.ReadPackAsync(pack.Name, pack.Length, buffer, ct, hashed: false).ConfigureAwait(false);
                }
                catch (RepositoryDamagedException) when (_tolerant)
                {
                    foreach (var (_, k) in wanted) _lostDeltas[k] = pack.Name;
                    continue;
                }
                using var cipher = new PackCipher(state.Keys, buffer.AsSpan(0, FormatConstants.PackSaltSize));
                foreach (var (entry, k) in wanted)
                {
                    try
                    {
                        byte[] payload = PackReader.OpenDeltaPayload(cipher, entry, buffer.AsSpan((int)entry.Offset, (int)entry.SealedLength));
                        _deltas[k] = new LoadedDelta(payload, blocks[k], pack.Name);
                    }
                    catch (CorruptDataException e)
                    {
                        if (!_tolerant) throw new RepositoryDamagedException(pack.Name, e.Message);
                        _lostDeltas[k] = pack.Name;
                    }
                }
            }
        }
        finally
        {
            _packs.Return(buffer);
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
