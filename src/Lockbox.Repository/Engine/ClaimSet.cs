using System.Runtime.InteropServices;
using Lockbox.Repository.Format;

namespace Lockbox.Repository.Engine;

/// <summary>
/// The blobs one backup has claimed (stored, or on their way into a pack, in this run), so a block seen twice is stored
/// once: a concurrent set of ids in 256 stripes, each a <see cref="HashSet{T}"/> under its own lock. About 44 bytes per id
/// against a <c>ConcurrentDictionary</c>'s ~80 (a node object per entry), and each stripe grows on its own, so no single
/// array reaches the large-object heap's sizes (issue 12: what a backup holds grows with the database).
/// </summary>
internal sealed class ClaimSet
{
    private const int Stripes = 256;
    private readonly HashSet<BlobId>[] _stripes = new HashSet<BlobId>[Stripes];

    public ClaimSet()
    {
        for (int i = 0; i < Stripes; i++) _stripes[i] = [];
    }

    public bool Contains(BlobId id)
    {
        HashSet<BlobId> set = StripeOf(id);
        lock (set) return set.Contains(id);
    }

    /// <summary>Claims <paramref name="id"/>; false when it was claimed already (by this or another thread).</summary>
    public bool TryAdd(BlobId id)
    {
        HashSet<BlobId> set = StripeOf(id);
        lock (set) return set.Add(id);
    }

    public void Remove(BlobId id)
    {
        HashSet<BlobId> set = StripeOf(id);
        lock (set) set.Remove(id);
    }

    public int Count => _stripes.Sum(s => { lock (s) return s.Count; });

    // Byte 8 of the id: independent of the bits BlobId.GetHashCode takes (the first 8 bytes), and uniform (ids are MACs or hashes).
    private HashSet<BlobId> StripeOf(BlobId id) => _stripes[MemoryMarshal.AsBytes(new ReadOnlySpan<BlobId>(in id))[8]];
}
