namespace Lockbox.Repository.Engine;

/// <summary>
/// Keeps a backup's young generation small. The GC sizes its allocation budget for new objects from the CPU's cache
/// (on the 300 MiB-L3 machines this was measured on, a next-day backup of a 1 GiB chat allocated about 57 MiB without a
/// single collection, every byte of it resident), so memory would follow the machine rather than the work. After every
/// <c>every</c> bytes allocated by the process, <see cref="Check"/> asks for a collection of the young generations
/// (blocking, not compacting the large-object heap: a millisecond or so when little survives), which is then reused.
/// </summary>
internal sealed class AllocationPacer(long every = 8L << 20)
{
    private long _next = GC.GetTotalAllocatedBytes() + every;

    public void Check()
    {
        long allocated = GC.GetTotalAllocatedBytes();
        long next = Interlocked.Read(ref _next);
        if (allocated < next || Interlocked.CompareExchange(ref _next, allocated + every, next) != next) return;
        GC.Collect(1, GCCollectionMode.Forced, blocking: true, compacting: false);
    }
}
