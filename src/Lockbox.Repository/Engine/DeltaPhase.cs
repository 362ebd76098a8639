using System.Buffers;
using System.Security.Cryptography;
using Lockbox.Repository.Format;
using Lockbox.Repository.Format.Index;
using Lockbox.Repository.Format.Pack;
using Lockbox.Repository.Sources;

namespace Lockbox.Repository.Engine;

/// <summary>
/// The second half of a format 2 database backup: the changed blocks the workers put aside (<see cref="DeltaPlan.Defer"/>)
/// are compressed against their bases, or stored whole when the delta is too large (re-base). The backup runs it on one
/// stretch of blocks at a time (<see cref="DeltaPlan.TakeDeferred"/>) while the database is still being read, so the
/// blocks put aside and the delta entries never pile up for the whole database (issue 12). The blocks are grouped by the
/// pack that holds their base, and each such pack is read once, front to back in ranged reads of at most
/// <see cref="ReadSpan"/> that cover only the needed bases; the bases are opened (AEAD and keyed hash, FORMAT.md section 5)
/// from those reads. The changed blocks
/// themselves are read again from the sealed consistent copy (still in the page cache; each record opened and checked again).
/// Packs are handled on every core.
/// </summary>
internal static class DeltaPhase
{
    /// <summary>
    /// Stores <paramref name="deferred"/> (blocks taken from <paramref name="plan"/>, ascending); records the deltas in
    /// <paramref name="plan"/>. Pack salts are kept by <paramref name="state"/>, so a pack whose bases span several
    /// stretches has its salt read once.
    /// </summary>
    public static async Task RunAsync(RepositoryState state, BlobPipeline pipeline, DeltaPlan plan, List<DeltaPlan.Deferred> deferred,
        SqliteSnapshot database, int blockSize)
    {
        if (deferred.Count == 0) return;
        // Grouped by the pack holding each base as indexes into the deferred blocks (4 bytes a block, not a copy of each
        // block and its base's entry); each pack's entries are looked up again when it is handled.
        var byPack = new Dictionary<BlobId, (PackRecord Pack, List<int> Blocks)>();
        for (int i = 0; i < deferred.Count; i++)
        {
            // The workers checked that the base is a whole indexed blob of the block's length; the index does not change during a backup.
            state.Index.TryGet(deferred[i].Base, out PackRecord pack, out _);
            if (!byPack.TryGetValue(pack.Id, out var group)) byPack[pack.Id] = group = (pack, []);
            group.Blocks.Add(i);
        }
        var options = new ParallelOptions { MaxDegreeOfParallelism = Math.Max(1, Environment.ProcessorCount), CancellationToken = pipeline.Token };
        await Parallel.ForEachAsync(byPack.Values, options, async (group, ct) =>
        {
            var blocks = new List<(DeltaPlan.Deferred Block, PackEntry Base)>(group.Blocks.Count);
            foreach (int i in group.Blocks)
            {
                state.Index.TryGet(deferred[i].Base, out _, out PackEntry baseEntry);
                blocks.Add((deferred[i], baseEntry));
            }
            group.Blocks.Clear();
            group.Blocks.TrimExcess();
            await PackAsync(state, pipeline, plan, database, blockSize, group.Pack, blocks, ct).ConfigureAwait(false);
        }).ConfigureAwait(false);
    }

    /// <summary>
    /// Bytes a delta phase reads from a pack in one request at most (one base more when a single one is longer): memory stays
    /// at a few of these per core instead of a whole pack each, and a pack is still read once, a few requests per pack.
    /// </summary>
    public const int ReadSpan = 1 << 20;

    private static async Task PackAsync(RepositoryState state, BlobPipeline pipeline, DeltaPlan plan, SqliteSnapshot database,
        int blockSize, PackRecord pack, List<(DeltaPlan.Deferred Block, PackEntry Base)> blocks, CancellationToken ct)
    {
        blocks.Sort(static (a, b) => a.Base.Offset != b.Base.Offset ? a.Base.Offset.CompareTo(b.Base.Offset) : a.Block.Block.CompareTo(b.Block.Block));
        // The salt comes with the first span when the first base is near the start of the pack, else on its own.
        byte[]? salt = state.KnownSalt(pack.Id)
            ?? (blocks[0].Base.Offset <= ReadSpan / 16 ? null : await state.SaltAsync(pack, ct).ConfigureAwait(false));
        byte[] baseRaw = ArrayPool<byte>.Shared.Rent(blockSize);
        byte[] span = PackMemory.Rent(ReadSpan); // ciphertext only; grown (whole MiB) for a single base longer than a span
        BlobId opened = default;
        PackCipher? cipher = null;
        try
        {
            for (int first = 0; first < blocks.Count;)
            {
                // One span: from the pack's start (with the salt) or the first base, through as many bases as fit in ReadSpan.
                long start = salt is null && first == 0 ? 0 : blocks[first].Base.Offset;
                int last = first;
                long end = (long)blocks[first].Base.Offset + blocks[first].Base.SealedLength;
                while (last + 1 < blocks.Count && (long)blocks[last + 1].Base.Offset + blocks[last + 1].Base.SealedLength - start <= ReadSpan)
                {
                    last++;
                    end = Math.Max(end, (long)blocks[last].Base.Offset + blocks[last].Base.SealedLength);
                }
                PackMemory.Grow(ref span, end - start);
                byte[] data = span;
                await state.ReadRangeAsync(pack.Name, start, data.AsMemory(0, (int)(end - start)), ct).ConfigureAwait(false);
                if (salt is null) state.RememberSalt(pack.Id, salt = data.AsSpan(0, FormatConstants.PackSaltSize).ToArray());
                cipher ??= new PackCipher(state.Keys, salt);
                for (int k = first; k <= last; k++)
                {
                    var (deferred, baseEntry) = blocks[k];
                    int length = (int)baseEntry.RawLength;
                    if (opened != baseEntry.Id)
                    {
                        opened = default;
                        try
                        {
                            PackReader.OpenBlob(state.Keys, cipher, baseEntry, data.AsSpan((int)(baseEntry.Offset - start), (int)baseEntry.SealedLength), baseRaw.AsSpan(0, length));
                        }
                        catch (CorruptDataException e)
                        {
                            throw RepositoryState.Damaged(pack.Name, e.Message);
                        }
                        opened = baseEntry.Id;
                    }
                    byte[] block = ArrayPool<byte>.Shared.Rent(blockSize);
                    try
                    {
                        database.ReadAt(deferred.Block * blockSize, block.AsSpan(0, length));
                    }
                    catch
                    {
                        ArrayPool<byte>.Shared.Return(block);
                        throw;
                    }
                    if (await pipeline.TryStoreDeltaAsync(block.AsMemory(0, length), deferred.Id, baseEntry.Id, baseRaw.AsMemory(0, length), baseEntry.PayloadLength).ConfigureAwait(false))
                    {
                        plan.SetBase(deferred.Block, baseEntry.Id);
                        ArrayPool<byte>.Shared.Return(block);
                    }
                    else
                    {
                        await pipeline.StoreWholeAsync(deferred.Id, block, length, compress: true).ConfigureAwait(false);
                    }
                }
                first = last + 1;
            }
        }
        finally
        {
            cipher?.Dispose();
            CryptographicOperations.ZeroMemory(baseRaw);
            ArrayPool<byte>.Shared.Return(baseRaw);
            PackMemory.Return(span);
        }
    }
}
