using Lockbox.Repository.Format.Pack;

namespace Lockbox.Repository.Engine;

/// <summary>
/// Keeps memory flat while whole packs pass through the process. A backup's delta phase reads its ranged reads of bases
/// into a pooled buffer (<see cref="Rent"/>, <see cref="Return"/>; packs hold ciphertext only), so reading a repository
/// no longer leaves an 8 MiB array on the large-object heap per pack; restore and verify keep buffers of their own
/// (<see cref="BufferBag"/>). Where a fresh array per pack remains (a backup's finished packs and index objects), <see cref="Downloaded"/> asks for a full compacting
/// collection after every <c>collectEvery</c> bytes: the GC collects the large-object heap only at full collections and
/// otherwise lets it grow with the amount of data read (measured: 378 MiB peak restoring 800 MB before pooling).
/// </summary>
internal sealed class PackMemory(long collectEvery = 16L << 20)
{
    /// <summary>Pack buffers are handed out in whole MiB, so packs of slightly different lengths reuse one another's.</summary>
    private const int Granule = 1 << 20;

    private long _sinceCollect;

    /// <summary>A buffer of at least <paramref name="length"/> bytes for a pack's ciphertext, from the pack buffer pool.</summary>
    public static byte[] Rent(long length) => PackBufferPool.Rent((int)((length + Granule - 1) / Granule * Granule));

    /// <summary>Gives a pack buffer back (it held ciphertext only, so it is not wiped).</summary>
    public static void Return(byte[] buffer) => PackBufferPool.Return(buffer);

    /// <summary>Swaps <paramref name="buffer"/> for a pooled one of at least <paramref name="length"/> bytes when it is shorter.</summary>
    public static void Grow(ref byte[] buffer, long length)
    {
        if (buffer.Length >= length) return;
        Return(buffer);
        buffer = Rent(length);
    }

    /// <summary>
    /// One compacting full collection that also gives the freed memory back to the system, once the index, the
    /// snapshot's lists and a restore's plan are built (and the restore has let the index go) and before packs are read:
    /// what building them left behind (index objects, grown-out arrays, a dictionary's old buckets) is mostly on the
    /// large-object heap, which nothing else would collect during a restore that allocates little. A forced collection
    /// alone compacted it but kept the memory committed (4 GiB chat: 162 MiB committed for 34 MiB live); the aggressive
    /// mode decommits it (docs/PERFORMANCE.md, "Restore and verify memory at 4 GiB").
    /// </summary>
    public static void CompactAfterPlanning()
    {
        System.Runtime.GCSettings.LargeObjectHeapCompactionMode = System.Runtime.GCLargeObjectHeapCompactionMode.CompactOnce;
        GC.Collect(GC.MaxGeneration, GCCollectionMode.Aggressive, blocking: true, compacting: true);
    }

    private static long s_nextCollect;

    /// <summary>
    /// Collects <paramref name="generation"/> once more than <paramref name="every"/> bytes were allocated by the process
    /// since the last such collection (one caller collects when several cross the mark at once). The collector sizes its
    /// young-generation budget from the CPU's cache (on the 300 MiB-L3 machines measured here a next-day backup of a
    /// 1 GiB chat allocated about 57 MiB without one collection, all of it resident), so memory followed the machine
    /// rather than the work. Loading the index and reading a snapshot's lists make short-lived garbage (index objects with
    /// their decrypted and decompressed copies, list pieces), and a backup's pipeline its per-batch garbage: left to
    /// itself the collector let that fill its whole budget first (a 4 GiB chat's restore peaked at 230 MiB, 162 MiB with
    /// a 16 MiB budget) and collected the large-object heap only at full collections. The live heap then is mostly
    /// arrays of structs without references, so these collections are cheap (a millisecond or so when little survives).
    /// </summary>
    public static void Bound(int generation, long every)
    {
        long now = GC.GetTotalAllocatedBytes(precise: false);
        long next = Interlocked.Read(ref s_nextCollect);
        if (now < next || Interlocked.CompareExchange(ref s_nextCollect, now + every, next) != next) return;
        GC.Collect(generation, GCCollectionMode.Forced, blocking: true, compacting: false);
    }

    public void Downloaded(long bytes)
    {
        if (Interlocked.Add(ref _sinceCollect, bytes) < collectEvery) return;
        Interlocked.Exchange(ref _sinceCollect, 0);
        System.Runtime.GCSettings.LargeObjectHeapCompactionMode = System.Runtime.GCLargeObjectHeapCompactionMode.CompactOnce;
        GC.Collect(GC.MaxGeneration, GCCollectionMode.Forced, blocking: true, compacting: true);
    }
}
