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
    private const int PacksPerPrunedIndex = 64;

    public async Task<ForgetResult> RunAsync(int keepLast, bool prune, CancellationToken ct)
    {
        await state.LoadIndexAsync(ct).ConfigureAwait(false);
        var chain = SnapshotChain.OrderOrThrow(await state.LoadSnapshotsAsync(ct).ConfigureAwait(false), knownSequence);
        int remove = Math.Max(0, chain.Count - keepLast);
        foreach (var (id, _) in chain.Take(remove))
            await state.Store.DeleteAsync(FormatConstants.SnapshotPrefix + id.ToHex(), ct).ConfigureAwait(false);
        var kept = chain.Skip(remove).ToList();
        if (!prune) return new ForgetResult(remove, kept.Count, 0, 0, 0);

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
            BlobId[] blocks = await state.ReadBlockListAsync(m, ct).ConfigureAwait(false);
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
        if (doomed.Count == 0) return new ForgetResult(remove, kept.Count, 0, 0, 0);

        long written = 0;
        List<PackRecord> fresh = await RepackAsync(repack, ct).ConfigureAwait(false);
        written += fresh.Sum(p => p.Length);
        keep.AddRange(fresh);

        // Phase 1: new index objects for what stays, then drop the old index objects.
        var oldIndex = state.Index.IndexObjects.Keys.ToList();
        var newIndex = new HashSet<string>(StringComparer.Ordinal);
        foreach (PackRecord[] batch in keep.Chunk(PacksPerPrunedIndex))
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
        return new ForgetResult(remove, kept.Count, doomed.Count, repack.Count, freed - written);
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
