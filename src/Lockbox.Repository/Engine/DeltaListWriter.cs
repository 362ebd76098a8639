using Lockbox.Repository.Format;
using Lockbox.Repository.Format.Snapshot;

namespace Lockbox.Repository.Engine;

/// <summary>
/// Stores a snapshot's delta list (FORMAT.md section 8: entries in ascending block order, cut into pieces of
/// <see cref="FormatConstants.DeltaListEntries"/>) piece by piece as the delta phase hands over its entries: the same
/// pieces, byte for byte, as encoding the whole list and cutting it, with at most one piece's entries held (issue 12).
/// Entries must come in strictly ascending block order across calls.
/// </summary>
internal sealed class DeltaListWriter(BlobPipeline pipeline)
{
    private readonly List<DeltaEntry> _pending = new(FormatConstants.DeltaListEntries);
    private readonly List<BlobId> _ids = [];
    private long _lastBlock = -1;

    /// <summary>Entries written so far (the snapshot's <c>delta_count</c> once finished).</summary>
    public long Count { get; private set; }

    /// <summary>Appends <paramref name="entries"/>, storing each piece as it fills.</summary>
    public async Task AddAsync(IReadOnlyList<DeltaEntry> entries)
    {
        foreach (DeltaEntry e in entries)
        {
            if (e.Block <= _lastBlock) throw new InvalidOperationException("Delta list entries must ascend strictly.");
            _lastBlock = e.Block;
            _pending.Add(e);
            Count++;
            if (_pending.Count == FormatConstants.DeltaListEntries) await StorePieceAsync().ConfigureAwait(false);
        }
    }

    /// <summary>Stores the last, partial piece (if any) and returns the list's piece ids.</summary>
    public async Task<BlobId[]> FinishAsync()
    {
        if (_pending.Count > 0) await StorePieceAsync().ConfigureAwait(false);
        return [.. _ids];
    }

    private async Task StorePieceAsync()
    {
        _ids.Add(await pipeline.StoreDirectAsync(DeltaEntry.Encode(_pending), compress: true).ConfigureAwait(false));
        _pending.Clear();
    }
}
