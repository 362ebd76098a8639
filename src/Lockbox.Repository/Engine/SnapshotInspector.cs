using Lockbox.Repository.Format;
using Lockbox.Repository.Format.Snapshot;
using Lockbox.Repository.Storage;

namespace Lockbox.Repository.Engine;

/// <summary>ls, diff and stats (issue 13): read snapshots' lists and the index, write nothing.</summary>
internal sealed class SnapshotInspector(RepositoryState state, long knownSequence)
{
    private async Task<(List<(BlobId Id, SnapshotManifest Manifest)> Chain, List<SnapshotSummary> Summaries)> LoadAsync(CancellationToken ct)
    {
        var chain = await state.LoadChainAsync(knownSequence, ct).ConfigureAwait(false);
        return (chain, chain.Select(s => Summaries.From(s.Id, s.Manifest)).ToList());
    }

    private static (BlobId Id, SnapshotManifest Manifest) Pick(List<(BlobId Id, SnapshotManifest Manifest)> chain, List<SnapshotSummary> summaries, string spec, SnapshotFilter filter)
        => chain[summaries.IndexOf(SnapshotSelector.Resolve(summaries, spec, filter))];

    public async Task<(SnapshotSummary Snapshot, List<SnapshotFile> Files)> ListAsync(string spec, SnapshotFilter filter, CancellationToken ct)
    {
        await state.LoadIndexAsync(ct).ConfigureAwait(false);
        var (chain, summaries) = await LoadAsync(ct).ConfigureAwait(false);
        var (id, m) = Pick(chain, summaries, spec, filter);
        var files = new List<SnapshotFile> { DatabaseFile(m) };
        foreach (MediaEntry e in await state.ReadMediaListAsync(m, id, ct).ConfigureAwait(false)) files.Add(MediaFile(m, e));
        return (Summaries.From(id, m), files);
    }

    public async Task<SnapshotDiff> DiffAsync(string from, string to, CancellationToken ct)
    {
        await state.LoadIndexAsync(ct).ConfigureAwait(false);
        var (chain, summaries) = await LoadAsync(ct).ConfigureAwait(false);
        var (idA, a) = Pick(chain, summaries, from, SnapshotFilter.All);
        var (idB, b) = Pick(chain, summaries, to, SnapshotFilter.All);
        BlobId[] blocksA = await state.ReadBlockListAsync(a, idA, ct).ConfigureAwait(false);
        BlobId[] blocksB = await state.ReadBlockListAsync(b, idB, ct).ConfigureAwait(false);
        List<MediaEntry> mediaA = await state.ReadMediaListAsync(a, idA, ct).ConfigureAwait(false);
        List<MediaEntry> mediaB = await state.ReadMediaListAsync(b, idB, ct).ConfigureAwait(false);

        long pageSizeB = b.PageSize > 0 ? b.PageSize : b.BlockSize;
        long pagesPerBlock = Math.Max(1, b.BlockSize / pageSizeB);
        long changedBlocks = 0;
        for (int i = 0; i < blocksB.Length; i++)
            if (i >= blocksA.Length || blocksA[i] != blocksB[i]) changedBlocks++;
        long removedBlocks = Math.Max(0, blocksA.Length - blocksB.Length);

        var byPathA = mediaA.ToDictionary(e => e.Path, StringComparer.Ordinal);
        var byPathB = mediaB.ToDictionary(e => e.Path, StringComparer.Ordinal);
        var added = mediaB.Where(e => !byPathA.ContainsKey(e.Path)).Select(e => MediaFile(b, e)).ToList();
        var removed = mediaA.Where(e => !byPathB.ContainsKey(e.Path)).Select(e => MediaFile(a, e)).ToList();
        var changed = mediaB.Where(e => byPathA.TryGetValue(e.Path, out MediaEntry? old) && old.FileId != e.FileId).Select(e => MediaFile(b, e)).ToList();

        var known = new HashSet<BlobId>(blocksA);
        foreach (MediaEntry e in mediaA) known.UnionWith(e.Pieces);
        long newBytes = 0;
        var counted = new HashSet<BlobId>();
        foreach (BlobId id in blocksB.Concat(mediaB.SelectMany(e => e.Pieces)))
            if (!known.Contains(id) && counted.Add(id) && state.Index.TryGet(id, out _, out var entry)) newBytes += entry.RawLength;

        return new SnapshotDiff(Summaries.From(idA, a), Summaries.From(idB, b), added, removed, changed,
            changedBlocks * pagesPerBlock, removedBlocks * pagesPerBlock, newBytes);
    }

    public async Task<RepositoryStats> StatsAsync(CancellationToken ct)
    {
        await state.LoadIndexAsync(ct).ConfigureAwait(false);
        var (_, summaries) = await LoadAsync(ct).ConfigureAwait(false);
        long unique = state.Index.TotalRawBytes;
        long snapshotBytes = 0;
        await foreach (BlobInfo info in state.Store.ListAsync(FormatConstants.SnapshotPrefix, ct).ConfigureAwait(false)) snapshotBytes += info.Size;
        long stored = state.Index.TotalPackBytes + state.IndexBytes + snapshotBytes;
        DateOnly? day = summaries.Count == 0 ? null : DateOnly.FromDateTime(summaries.Max(s => s.Time).UtcDateTime);
        var thatDay = summaries.Where(s => DateOnly.FromDateTime(s.Time.UtcDateTime) == day).ToList();
        return new RepositoryStats(summaries.Count, summaries.Sum(s => s.DatabaseBytes + s.MediaBytes), unique, stored,
            day, thatDay.Count, thatDay.Sum(s => s.BytesAdded));
    }

    private static SnapshotFile DatabaseFile(SnapshotManifest m) =>
        new(m.DatabaseName, true, m.DatabaseBytes, DateTimeOffset.FromUnixTimeMilliseconds(m.TimeUnixMs));

    private static SnapshotFile MediaFile(SnapshotManifest m, MediaEntry e) =>
        new(m.MediaFolder + "/" + e.Path, false, e.Size,
            e.ModifiedTicks >= DateTime.MinValue.Ticks && e.ModifiedTicks <= DateTime.MaxValue.Ticks ? new DateTimeOffset(e.ModifiedTicks, TimeSpan.Zero) : default);
}
