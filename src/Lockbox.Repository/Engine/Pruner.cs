using System.Security.Cryptography;
using Lockbox.Repository.Format;
using Lockbox.Repository.Format.Index;
using Lockbox.Repository.Format.Pack;
using Lockbox.Repository.Format.Snapshot;

namespace Lockbox.Repository.Engine;

/// <summary>
/// forget --keep-last N [--prune], under the exclusive lock (FORMAT.md "Forget and prune"):
/// delete the oldest snapshots; then mark every blob the kept snapshots need, copy the live blobs of
/// mostly-dead packs into new packs, and delete in two phases — first write index objects that no longer
/// list the doomed packs and delete the old index objects, only then delete the packs. A crash at any
/// point leaves a repository whose snapshots all restore.
/// </summary>
internal sealed class Pruner(RepositoryState state, long knownSequence)
{
    /// <summary>Packs whose live bytes are below this fraction are repacked.</summary>
    private const double RepackBelow = 0.5;

    public async Task<ForgetResult> RunAsync(ForgetRequest request, CancellationToken ct)
    {
        await state.LoadIndexAsync(ct).ConfigureAwait(false);
        var snapshots = await state.LoadSnapshotsAsync(ct).ConfigureAwait(false);
        var (forgotten, forgottenObjects) = await state.LoadForgottenAsync(ct).ConfigureAwait(false);
        var chain = SnapshotChain.OrderOrThrow(snapshots, knownSequence, forgotten);
        var summaries = chain.Select(s => Summaries.From(s.Id, s.Manifest)).ToList();

        // Named snapshots go; then, per source group of the selection, whatever the policy does not keep.
        var doomedIds = new HashSet<string>(StringComparer.Ordinal);
        foreach (string spec in request.Snapshots) doomedIds.Add(SnapshotSelector.Resolve(summaries, spec, request.Filter).Id);
        if (!request.Policy.IsEmpty)
        {
            foreach (var group in summaries.Where(request.Filter.Matches).GroupBy(s => (s.Device, s.SourcePath)))
            {
                HashSet<string> keepIds = KeepPolicy.Keep(group, request.Policy);
                foreach (SnapshotSummary s in group) if (!keepIds.Contains(s.Id)) doomedIds.Add(s.Id);
            }
        }
        var removed = summaries.Where(s => doomedIds.Contains(s.Id)).ToList();
        var removedLinks = chain.Where(s => doomedIds.Contains(s.Id.ToHex())).ToList();
        var kept = chain.Where(s => !doomedIds.Contains(s.Id.ToHex())).ToList();
        if (request.DryRun || removed.Count == 0)
            return new ForgetResult(request.DryRun ? removed.Count : 0, request.DryRun ? kept.Count : chain.Count, 0, 0, 0) { Removed = removed, DryRun = request.DryRun };

        await RecordForgottenAsync(chain, removedLinks, kept, forgotten, forgottenObjects, ct).ConfigureAwait(false);
        // Objects of snapshots already recorded as forgotten (an interrupted forget, or a replayed copy) go too.
        foreach (BlobId id in snapshots.Keys.Where(forgotten.ContainsKey))
            await state.Store.DeleteAsync(FormatConstants.SnapshotPrefix + id.ToHex(), ct).ConfigureAwait(false);
        bool prune = request.Prune;
        int remove = removed.Count;
        var live = new HashSet<BlobId>();
        foreach (var (id, m) in kept)
        {
            live.UnionWith(m.DatabaseList);
            for (int k = 0; k < m.DatabaseList.Length; k++)
            {
                if (m.DatabaseListBases[k].IsZero) continue;
                live.Add(m.DatabaseListBases[k]);
                live.Add(state.Keys.DeltaId(m.DatabaseListBases[k], m.DatabaseList[k]));
            }
            live.UnionWith(m.MediaList);
            BlobId[] blocks = await state.ReadBlockListAsync(m, id, ct).ConfigureAwait(false);
            live.UnionWith(blocks);
            live.UnionWith(m.DeltaList);
            // A delta block needs its delta blob and its base, whichever snapshot stored the base.
            foreach (DeltaEntry d in await state.ReadDeltaListAsync(m, id, ct).ConfigureAwait(false))
            {
                live.Add(d.Base);
                live.Add(state.Keys.DeltaId(d.Base, blocks[d.Block]));
            }
            foreach (var media in await state.ReadMediaListAsync(m, id, ct).ConfigureAwait(false)) live.UnionWith(media.Pieces);
        }

        var keep = new List<PackRecord>();
        var doomed = new List<PackRecord>();
        var repack = new List<(PackRecord Pack, List<PackEntry> Live)>();
        var placed = new HashSet<BlobId>();
        foreach (PackRecord pack in state.Index.Packs)
        {
            var liveEntries = pack.Entries.Where(e => live.Contains(e.Id) && !placed.Contains(e.Id)).ToList();
            long liveBytes = liveEntries.Sum(e => (long)e.SealedLength);
            if (liveEntries.Count == 0) doomed.Add(pack);
            else if (liveBytes < pack.Length * RepackBelow) { repack.Add((pack, liveEntries)); doomed.Add(pack); }
            else keep.Add(pack);
            foreach (PackEntry e in liveEntries) placed.Add(e.Id);
        }
        if (doomed.Count == 0) return new ForgetResult(remove, kept.Count, 0, 0, 0) { Removed = removed };

        long written = 0;
        List<PackRecord> fresh = await RepackAsync(repack, ct).ConfigureAwait(false);
        written += fresh.Sum(p => p.Length);
        keep.AddRange(fresh);

        // Phase 1: new index objects for what stays, then drop the old index objects.
        var oldIndex = state.Index.IndexObjects.Keys.ToList();
        var newIndex = new HashSet<string>(StringComparer.Ordinal);
        foreach (PackRecord[] batch in keep.Chunk(FormatConstants.PacksPerIndex))
        {
            byte[] data = IndexFile.Encode(state.Keys, batch);
            string name = FormatConstants.IndexPrefix + Convert.ToHexStringLower(SHA256.HashData(data));
            await state.Store.PutIfAbsentAsync(name, data, ct).ConfigureAwait(false);
            newIndex.Add(name);
            written += data.Length;
        }
        long freed = 0;
        foreach (string name in oldIndex.Where(n => !newIndex.Contains(n)))
            await state.Store.DeleteAsync(name, ct).ConfigureAwait(false);
        freed += state.IndexBytes;

        // Phase 2: only now delete the packs nothing lists any more.
        foreach (PackRecord pack in doomed)
        {
            await state.Store.DeleteAsync(pack.Name, ct).ConfigureAwait(false);
            freed += pack.Length;
        }
        await state.LoadIndexAsync(ct).ConfigureAwait(false);
        return new ForgetResult(remove, kept.Count, doomed.Count, repack.Count, freed - written) { Removed = removed };
    }

    /// <summary>
    /// Deletes the removed snapshots, keeping the chain checkable (FORMAT.md "Forgotten snapshots"): when a removed
    /// snapshot is newer than the oldest kept one, or is the newest of all, a forgotten-snapshots object listing it is
    /// written first; the snapshots are then deleted oldest first; only then are the forgotten-snapshots objects it
    /// replaces deleted. A crash at any point leaves a chain that checks.
    /// </summary>
    private async Task RecordForgottenAsync(List<(BlobId Id, SnapshotManifest Manifest)> chain, List<(BlobId Id, SnapshotManifest Manifest)> removed,
        List<(BlobId Id, SnapshotManifest Manifest)> kept, Dictionary<BlobId, ForgottenSnapshot> forgotten, List<string> forgottenObjects, CancellationToken ct)
    {
        var all = new Dictionary<BlobId, ForgottenSnapshot>(forgotten);
        foreach (var (id, m) in removed) all[id] = new ForgottenSnapshot(m.Sequence, id, m.Previous);
        long oldestKept = kept.Count == 0 ? long.MaxValue : kept[0].Manifest.Sequence;
        long newest = Math.Max(chain.Count == 0 ? 0 : chain[^1].Manifest.Sequence, all.Count == 0 ? 0 : all.Values.Max(f => f.Sequence));
        var needed = all.Values.Where(f => f.Sequence > oldestKept || f.Sequence == newest).OrderBy(f => f.Sequence).ToList();
        string? written = null;
        if (needed.Count > 0)
        {
            byte[] data = ForgottenList.Encode(state.Keys, needed);
            written = FormatConstants.ForgottenPrefix + Convert.ToHexStringLower(SHA256.HashData(data));
            await state.Store.PutIfAbsentAsync(written, data, ct).ConfigureAwait(false);
        }
        foreach (var (id, _) in removed)
            await state.Store.DeleteAsync(FormatConstants.SnapshotPrefix + id.ToHex(), ct).ConfigureAwait(false);
        foreach (string name in forgottenObjects.Where(n => n != written))
            await state.Store.DeleteAsync(name, ct).ConfigureAwait(false);
    }

    private async Task<List<PackRecord>> RepackAsync(List<(PackRecord Pack, List<PackEntry> Live)> repack, CancellationToken ct)
    {
        var result = new List<PackRecord>();
        PackWriter? writer = null;
        try
        {
            foreach (var (pack, liveEntries) in repack)
            {
                byte[] data = await state.GetAsync(pack.Name, ct).ConfigureAwait(false);
                RepositoryState.CheckName(pack.Name, FormatConstants.DataPrefix, data);
                using var cipher = new PackCipher(state.Keys, data.AsSpan(0, FormatConstants.PackSaltSize));
                foreach (PackEntry e in liveEntries)
                {
                    if (e.Compression == FormatConstants.CompressionDelta)
                    {
                        // A delta is copied as it is (authenticated; its block is checked whenever it is rebuilt).
                        byte[] payload;
                        try
                        {
                            payload = PackReader.OpenDeltaPayload(cipher, e, data.AsSpan((int)e.Offset, (int)e.SealedLength));
                        }
                        catch (CorruptDataException ex)
                        {
                            throw new RepositoryDamagedException(pack.Name, ex.Message);
                        }
                        writer ??= new PackWriter(state.Keys, state.Config.PackSize + state.Config.MediaPieceSize + 4096);
                        writer.Add(e.Id, payload, FormatConstants.CompressionDelta, (int)e.RawLength);
                        if (writer.Length >= state.Config.PackSize)
                        {
                            result.Add(await UploadAsync(writer, ct).ConfigureAwait(false));
                            writer.Dispose();
                            writer = null;
                        }
                        continue;
                    }
                    byte[] raw = new byte[e.RawLength];
                    try
                    {
                        PackReader.OpenBlob(state.Keys, cipher, e, data.AsSpan((int)e.Offset, (int)e.SealedLength), raw);
                    }
                    catch (CorruptDataException ex)
                    {
                        throw new RepositoryDamagedException(pack.Name, ex.Message);
                    }
                    writer ??= new PackWriter(state.Keys, state.Config.PackSize + state.Config.MediaPieceSize + 4096);
                    if (e.Compression == FormatConstants.CompressionZstd)
                    {
                        byte[] packed = Compression.Compress(raw);
                        writer.Add(e.Id, packed, FormatConstants.CompressionZstd, raw.Length);
                    }
                    else
                    {
                        writer.Add(e.Id, raw, FormatConstants.CompressionNone, raw.Length);
                    }
                    if (writer.Length >= state.Config.PackSize)
                    {
                        result.Add(await UploadAsync(writer, ct).ConfigureAwait(false));
                        writer.Dispose();
                        writer = null;
                    }
                }
            }
            if (writer is { Count: > 0 }) result.Add(await UploadAsync(writer, ct).ConfigureAwait(false));
        }
        finally
        {
            writer?.Dispose();
        }
        return result;
    }

    private async Task<PackRecord> UploadAsync(PackWriter writer, CancellationToken ct)
    {
        FinishedPack pack = writer.Finish();
        await state.Store.PutIfAbsentAsync(pack.Name, pack.Bytes, ct).ConfigureAwait(false);
        pack.Release();
        return new PackRecord(pack.Id, pack.Length, pack.Entries);
    }
}
