using System.Security.Cryptography;
using Lockbox.Repository.Format;
using Lockbox.Repository.Format.Index;

namespace Lockbox.Repository.Engine;

/// <summary>
/// Keeps the number of index objects sane: every backup adds at least one small index object, so once there are more
/// than <see cref="Threshold"/> beyond the fewest the packs need, the whole index is rewritten as objects of
/// <see cref="FormatConstants.PacksPerIndex"/> packs, then the old objects are deleted (new before old: the index never
/// loses a pack). Runs under the backup's lock.
/// </summary>
/// <remarks>
/// Objects of 16 packs, as a backup writes them, not larger ones: every later operation reads each object whole into
/// buffers of its size (its sealed bytes, the decrypted frame and the payload), so objects of 64 packs (~8.5 MiB at 4 KiB
/// pages) cost every restore, verify and backup of a consolidated 4 GiB chat ~20 MiB more while loading than objects of 16.
/// </remarks>
internal static class IndexConsolidation
{
    public const int Threshold = 64;

    /// <summary>
    /// Consolidates when the repository has <paramref name="indexObjects"/> index objects for at least
    /// <paramref name="packs"/> packs (a backup's count: it let its index go before its last flush) and that is too many;
    /// the index is then loaded again and the count checked on it.
    /// </summary>
    public static async Task RunIfNeededAsync(RepositoryState state, int indexObjects, int packs, CancellationToken ct, int threshold = Threshold)
    {
        if (!Needed(indexObjects, packs, threshold)) return;
        await state.LoadIndexAsync(ct).ConfigureAwait(false);
        if (!Needed(state.Index.IndexObjects.Count, state.Index.PackCount, threshold)) return;
        var old = state.Index.IndexObjects.Keys.ToList();
        var fresh = new HashSet<string>(StringComparer.Ordinal);
        foreach (PackRecord[] batch in state.Index.Packs.Chunk(FormatConstants.PacksPerIndex))
        {
            byte[] data = IndexFile.Encode(state.Keys, batch);
            string name = FormatConstants.IndexPrefix + Convert.ToHexStringLower(SHA256.HashData(data));
            await state.Store.PutIfAbsentAsync(name, data, ct).ConfigureAwait(false);
            fresh.Add(name);
            // Each batch leaves ~20 MiB of large arrays (its packs' entries, the payload, its compressed copy, the object)
            // that only a full collection frees: without one, a 4 GiB chat's consolidation grew the process by ~80 MiB.
            PackMemory.Bound(GC.MaxGeneration, 8L << 20);
        }
        foreach (string name in old.Where(n => !fresh.Contains(n)))
            await state.Store.DeleteAsync(name, ct).ConfigureAwait(false);
        await state.LoadIndexAsync(ct).ConfigureAwait(false);
    }

    /// <summary>More index objects than the packs need by over <paramref name="threshold"/>: a large repository, already
    /// consolidated, is not rewritten again at every backup.</summary>
    private static bool Needed(int indexObjects, int packs, int threshold) =>
        indexObjects > (packs + FormatConstants.PacksPerIndex - 1) / FormatConstants.PacksPerIndex + threshold;
}
