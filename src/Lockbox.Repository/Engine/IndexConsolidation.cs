using System.Security.Cryptography;
using Lockbox.Repository.Format;
using Lockbox.Repository.Format.Index;

namespace Lockbox.Repository.Engine;

/// <summary>
/// Keeps the number of index objects sane: every backup adds at least one small index object, so once there
/// are more than <see cref="Threshold"/>, the whole index is rewritten as objects of up to 64 packs, then the
/// old objects are deleted (new before old: the index never loses a pack). Runs under the backup's lock.
/// </summary>
internal static class IndexConsolidation
{
    public const int Threshold = 64;
    private const int PacksPerObject = 64;

    public static async Task RunIfNeededAsync(RepositoryState state, CancellationToken ct, int threshold = Threshold)
    {
        if (state.Index.IndexObjects.Count <= threshold) return;
        await state.LoadIndexAsync(ct).ConfigureAwait(false);
        if (state.Index.IndexObjects.Count <= threshold) return;
        var old = state.Index.IndexObjects.Keys.ToList();
        var fresh = new HashSet<string>(StringComparer.Ordinal);
        foreach (PackRecord[] batch in state.Index.Packs.Chunk(PacksPerObject))
        {
            byte[] data = IndexFile.Encode(state.Keys, batch);
            string name = FormatConstants.IndexPrefix + Convert.ToHexStringLower(SHA256.HashData(data));
            await state.Store.PutIfAbsentAsync(name, data, ct).ConfigureAwait(false);
            fresh.Add(name);
        }
        foreach (string name in old.Where(n => !fresh.Contains(n)))
            await state.Store.DeleteAsync(name, ct).ConfigureAwait(false);
        await state.LoadIndexAsync(ct).ConfigureAwait(false);
    }
}
