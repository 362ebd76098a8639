using Lockbox.Repository.Format;
using Lockbox.Repository.Format.Index;
using Lockbox.Repository.Format.Pack;
using Lockbox.Repository.Format.Snapshot;
using Lockbox.Repository.Storage;

namespace Lockbox.Repository.Engine;

/// <summary>
/// Checks a repository without trusting it: every index and snapshot object authenticates and matches its
/// name, the snapshot chain is whole, every blob a snapshot needs is indexed in a pack that exists with the
/// indexed size; with readData, every pack's hash, header and every blob are checked too. Collects problems
/// instead of stopping at the first.
/// </summary>
internal sealed class Verifier(RepositoryState state, long knownSequence, IProgress<VerifyProgress>? progress)
{
    private const int MaxProblemsPerKind = 20;

    public async Task<VerifyReport> RunAsync(bool readData, CancellationToken ct)
    {
        var problems = new List<RepositoryProblem>();
        progress?.Report(new VerifyProgress("structure", 0, 0));
        await state.LoadIndexAsync(ct, problems).ConfigureAwait(false);
        var snapshots = await state.LoadSnapshotsAsync(ct, problems).ConfigureAwait(false);
        var (forgotten, _) = await state.LoadForgottenAsync(ct, problems).ConfigureAwait(false);
        var chain = SnapshotChain.Order(snapshots, knownSequence, problems, forgotten);

        var stored = new Dictionary<string, long>(StringComparer.Ordinal);
        await foreach (BlobInfo info in state.Store.ListAsync(FormatConstants.DataPrefix, ct).ConfigureAwait(false))
            stored[info.Name] = info.Size;
        var badPacks = new HashSet<BlobId>();
        foreach (PackRecord pack in state.Index.PackList)
        {
            if (!stored.TryGetValue(pack.Name, out long size)) { problems.Add(new(pack.Name, "missing")); badPacks.Add(pack.Id); }
            else if (size != pack.Length) { problems.Add(new(pack.Name, $"size {size} differs from the indexed {pack.Length} (truncated or replaced)")); badPacks.Add(pack.Id); }
        }

        // Every (block, base) a snapshot rebuilds from a delta, 68 bytes each (a set of tuples with the snapshot's name took
        // about 160 with its growth, 16 MiB at 4 GiB): sorted and deduplicated once, before they are rebuilt.
        var deltaPairs = new List<DeltaPair>((int)Math.Min(chain.Sum(c => c.Manifest.DeltaCount), int.MaxValue / 2));
        var snapshotNames = new List<string>(chain.Count);
        foreach (var (id, manifest) in chain)
        {
            string name = FormatConstants.SnapshotPrefix + id.ToHex();
            int snapshotOrdinal = snapshotNames.Count;
            snapshotNames.Add(name);
            try
            {
                // Each blob the snapshot needs is looked up as its list is read, piece by piece: no list of them is held.
                int missing = 0;
                int inBadPacks = 0;
                void Check(BlobId blob)
                {
                    if (!state.Index.TryLocate(blob, out int pack, out _)) missing++;
                    else if (badPacks.Contains(state.Index.PackAt(pack).Id)) inBadPacks++;
                }
                for (int k = 0; k < manifest.DatabaseList.Length; k++)
                {
                    BlobId listBase = manifest.DatabaseListBases[k];
                    if (listBase.IsZero) { Check(manifest.DatabaseList[k]); continue; }
                    Check(listBase);
                    Check(state.Keys.DeltaId(listBase, manifest.DatabaseList[k]));
                }
                foreach (BlobId piece in manifest.MediaList) Check(piece);
                foreach (BlobId piece in manifest.DeltaList) Check(piece);
                DeltaEntry[] deltas = await state.ReadDeltaListAsync(manifest, id, ct).ConfigureAwait(false);
                int nextDelta = 0;
                await state.ForEachBlockAsync(manifest, id, (i, block) =>
                {
                    if (nextDelta < deltas.Length && deltas[nextDelta].Block == i)
                    {
                        // A delta block needs its base and its delta blob, not a whole blob of its own.
                        BlobId baseId = deltas[nextDelta++].Base;
                        Check(baseId);
                        Check(state.Keys.DeltaId(baseId, block));
                        deltaPairs.Add(new DeltaPair(block, baseId, snapshotOrdinal));
                    }
                    else
                    {
                        Check(block);
                    }
                }, ct).ConfigureAwait(false);
                foreach (var m in await state.ReadMediaListAsync(manifest, id, ct).ConfigureAwait(false))
                    foreach (BlobId piece in m.Pieces) Check(piece);
                if (missing > 0) problems.Add(new(name, $"{missing} blob(s) it needs are not in the index (missing data)"));
                if (inBadPacks > 0) problems.Add(new(name, $"{inBadPacks} blob(s) it needs are in missing or damaged packs"));
            }
            catch (RepositoryDamagedException e)
            {
                problems.Add(new(name, $"cannot read its lists: {e.ObjectName}: {e.Problem}"));
            }
        }

        long blobs = 0, bytesRead = 0;
        int packCount = state.Index.PackCount;
        if (readData)
        {
            // Every delta block a snapshot names, rebuilt from its base and checked against the block's id: first, while the
            // index is loaded, so that the pack phase runs without it (docs/PERFORMANCE.md, "The index at 40 bytes a blob").
            // Its problems are listed after the packs' own, with a limit of their own, as when it ran last.
            var rebuildProblems = new List<RepositoryProblem>();
            deltaPairs.Sort(static (a, b) => a.CompareTo(b));
            for (int k = 0; k < deltaPairs.Count; k++)
            {
                DeltaPair pair = deltaPairs[k];
                if (k > 0 && deltaPairs[k - 1].Block == pair.Block && deltaPairs[k - 1].Base == pair.Base) continue;
                try
                {
                    await state.ReadBlockAsync(pair.Block, pair.Base, ct).ConfigureAwait(false);
                    // Each rebuild reads its base and its delta into fresh arrays: keep that garbage from filling the
                    // collector's whole young budget (1 GiB chat: 97 -> 178 MiB in this loop without it).
                    PackMemory.Bound(1, 8L << 20);
                }
                catch (RepositoryDamagedException e)
                {
                    if (rebuildProblems.Count < MaxProblemsPerKind)
                        rebuildProblems.Add(new(snapshotNames[pair.Snapshot], $"a delta block does not rebuild: {e.ObjectName}: {e.Problem}"));
                }
            }
            deltaPairs = [];

            long total = state.Index.TotalPackBytes;
            int dataProblems = 0;
            var packs = state.Index.PackList.Where(p => !badPacks.Contains(p.Id)).ToList();
            state.ReleaseIndex();
            byte[] scratch = System.Buffers.ArrayPool<byte>.Shared.Rent(FormatConstants.MinimumBlockSize);
            // Two pack buffers of the verify's own, each as long as the longest pack: the next pack is read while this one is checked.
            var buffers = new BufferBag((int)packs.Select(p => p.Length).DefaultIfEmpty(0).Max(), wipe: false);
            byte[] current = [], next = [];
            Task<RepositoryProblem?>? reading = packs.Count > 0 ? ReadAsync(packs[0], next = buffers.Rent((int)packs[0].Length), ct) : null;
            try
            {
                for (int i = 0; i < packs.Count; i++)
                {
                    PackRecord pack = packs[i];
                    RepositoryProblem? problem = await reading!.ConfigureAwait(false);
                    (current, next) = (next, current);
                    reading = null;
                    if (i + 1 < packs.Count)
                    {
                        if (next.Length == 0) next = buffers.Rent((int)packs[i + 1].Length);
                        reading = ReadAsync(packs[i + 1], next, ct);
                    }
                    if (problem is null)
                    {
                        bytesRead += pack.Length;
                        try
                        {
                            blobs += CheckPack(pack, current.AsSpan(0, (int)pack.Length), ref scratch);
                        }
                        catch (CorruptDataException e) { problem = new(pack.Name, e.Message); }
                    }
                    if (problem is not null && dataProblems++ < MaxProblemsPerKind) problems.Add(problem);
                    progress?.Report(new VerifyProgress("data", bytesRead, total));
                }
            }
            finally
            {
                if (reading is not null)
                {
                    try { await reading.ConfigureAwait(false); }
                    catch (Exception) { /* the failure that ended the loop is what the caller sees */ }
                }
            }
            System.Buffers.ArrayPool<byte>.Shared.Return(scratch, clearArray: true);
            problems.AddRange(rebuildProblems);
        }
        return new VerifyReport(problems, chain.Count, packCount, blobs, bytesRead);
    }

    /// <summary>Reads a pack into <paramref name="buffer"/> and checks its length and name; damage is returned as a problem.</summary>
    private async Task<RepositoryProblem?> ReadAsync(PackRecord pack, byte[] buffer, CancellationToken ct)
    {
        try
        {
            await state.ReadPackAsync(pack, buffer, ct).ConfigureAwait(false);
            return null;
        }
        catch (RepositoryDamagedException e)
        {
            return e.ToProblem();
        }
    }

    /// <summary>The plaintext of the pack being checked (its header; a media piece's AEAD frame), reused from pack to pack.</summary>
    private byte[] _header = [], _frame = [];

    /// <summary>
    /// Checks a pack's header against the index (the SHA-256 of its entries against that of the indexed ones) and opens
    /// every blob in it; returns the number of blobs.
    /// </summary>
    private int CheckPack(PackRecord pack, ReadOnlySpan<byte> data, ref byte[] scratch)
    {
        using var cipher = new PackCipher(state.Keys, data[..FormatConstants.PackSaltSize]);
        int headerLength = PackReader.HeaderLength(data);
        if (_header.Length < headerLength) _header = new byte[headerLength];
        ReadOnlySpan<byte> listed = PackReader.OpenIndexedHeader(cipher, data, _header, pack.EntriesDigest, out long headerStart);
        int blobs = 0;
        for (int j = 0; j < pack.EntryCount; j++)
        {
            PackEntry e = PackReader.EntryAt(listed, j, headerStart);
            if (e.Compression == FormatConstants.CompressionDelta)
            {
                // Authenticated here; rebuilt against its base and checked against its block's id in RunAsync.
                PackReader.OpenDeltaPayload(cipher, e, data.Slice((int)e.Offset, (int)e.SealedLength));
                blobs++;
                continue;
            }
            // One scratch buffer for every blob (a fresh 1 MiB array per media piece would pile up on the large-object heap).
            if (scratch.Length < e.RawLength)
            {
                System.Buffers.ArrayPool<byte>.Shared.Return(scratch, clearArray: true);
                scratch = System.Buffers.ArrayPool<byte>.Shared.Rent((int)e.RawLength);
            }
            if (_frame.Length < e.SealedLength) _frame = new byte[Math.Max(e.SealedLength, FormatConstants.MinimumBlockSize)];
            PackReader.OpenBlob(state.Keys, cipher, e, data.Slice((int)e.Offset, (int)e.SealedLength), scratch.AsSpan(0, (int)e.RawLength), _frame);
            blobs++;
        }
        return blobs;
    }

    /// <summary>A delta block a snapshot rebuilds: its id, its base's id, and the snapshot's position in the chain (for messages).</summary>
    private readonly record struct DeltaPair(BlobId Block, BlobId Base, int Snapshot) : IComparable<DeltaPair>
    {
        public int CompareTo(DeltaPair other)
        {
            int c = Compare(Block, other.Block);
            if (c != 0) return c;
            c = Compare(Base, other.Base);
            return c != 0 ? c : Snapshot.CompareTo(other.Snapshot);
        }

        private static int Compare(BlobId x, BlobId y) => SlotBucket.Compare(x, y);
    }
}
