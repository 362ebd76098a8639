using Lockbox.Repository.Format.Pack;

namespace Lockbox.Repository.Format.Index;

/// <summary>
/// A pack as the index knows it: id, stored length, its header's entry count and the SHA-256 of its entries' bytes
/// (<see cref="PackReader.EntriesDigest"/>), which a pack's own header must match before its entries are used.
/// </summary>
/// <remarks>
/// A writer (a backup's pack, prune's repack) makes one with its <see cref="Entries"/>. The records <see cref="MasterIndex"/>
/// holds have no entries of their own (the index keeps them compactly, docs/PERFORMANCE.md "The index at 40 bytes a blob"):
/// <see cref="Entries"/> on one of those throws; <see cref="MasterIndex.Packs"/> gives records with their entries.
/// </remarks>
internal sealed record PackRecord
{
    private readonly PackEntry[]? _entries;
    private byte[]? _digest;

    public PackRecord(BlobId id, long length, PackEntry[] entries)
    {
        Id = id;
        Length = length;
        Entries = entries;
    }

    /// <summary>A record held by the index: its entries are found through the index, pinned by <paramref name="entriesDigest"/>.</summary>
    internal PackRecord(BlobId id, long length, int entryCount, byte[] entriesDigest)
    {
        Id = id;
        Length = length;
        EntryCount = entryCount;
        _digest = entriesDigest;
    }

    public BlobId Id { get; init; }
    public long Length { get; init; }
    public int EntryCount { get; private init; }

    /// <summary>The header's entries, in header order (only on records that carry them: see the remarks).</summary>
    public PackEntry[] Entries
    {
        get => _entries ?? throw new InvalidOperationException("This pack record is held by the index without its entries; use MasterIndex.Packs.");
        init
        {
            _entries = value;
            EntryCount = value.Length;
            _digest = null;
        }
    }

    /// <summary>SHA-256 of count u32 || the entries as a pack header encodes them (see <see cref="PackReader.OpenIndexedHeader"/>).</summary>
    public byte[] EntriesDigest => _digest ??= PackReader.EntriesDigest(Entries);

    public string Name => FormatConstants.PackName(Id);

    public bool Equals(PackRecord? other) => other is not null && Id == other.Id && Length == other.Length && EntryCount == other.EntryCount;

    public override int GetHashCode() => HashCode.Combine(Id, Length, EntryCount);
}
