using System.Runtime.CompilerServices;
using Lockbox.Repository.Storage;
using Lockbox.Storage.Resilience;

namespace Lockbox.Storage.Tests.Faults;

/// <summary>
/// Wraps a real store and, by a seeded plan, makes calls fail transiently (before the call, or for
/// writes after it, so the write happens and only the answer is lost), slows them down, or hands
/// back corrupted or truncated bytes as if the store had returned them.
/// </summary>
public sealed class FaultInjectingBlobStore : IBlobStore
{
    private readonly IBlobStore inner;
    private readonly FaultPlan plan;
    private readonly SeededSequence random;
    private readonly Lock gate = new();
    private int transientFaults;
    private int lostAnswers;
    private int corruptedReads;
    private int truncatedReads;

    public FaultInjectingBlobStore(IBlobStore inner, FaultPlan plan)
    {
        this.inner = inner;
        this.plan = plan;
        random = new SeededSequence(plan.Seed);
    }

    /// <summary>Transient failures injected (lost answers included).</summary>
    public int TransientFaults => Volatile.Read(ref transientFaults);

    /// <summary>Puts that were carried out but reported as failed.</summary>
    public int LostAnswers => Volatile.Read(ref lostAnswers);

    public int CorruptedReads => Volatile.Read(ref corruptedReads);

    public int TruncatedReads => Volatile.Read(ref truncatedReads);

    /// <summary>Stops injecting anything from now on (reads of a finished test, say).</summary>
    public bool Paused { get; set; }

    public string Description => inner.Description;

    public async Task<bool> PutIfAbsentAsync(string name, ReadOnlyMemory<byte> data, CancellationToken cancellationToken = default)
    {
        await DelayAsync(cancellationToken).ConfigureAwait(false);
        var (fail, afterWrite) = Draw(() => (Chance(plan.TransientRate), Chance(plan.LostAnswerShare)));
        if (fail && !afterWrite)
        {
            throw Transient("upload", name);
        }
        var written = await inner.PutIfAbsentAsync(name, data, cancellationToken).ConfigureAwait(false);
        if (fail)
        {
            Interlocked.Increment(ref lostAnswers);
            throw Transient("answer to the upload", name);
        }
        return written;
    }

    public async Task<byte[]> GetAsync(string name, CancellationToken cancellationToken = default)
    {
        await BeforeAsync("download", name, cancellationToken).ConfigureAwait(false);
        return Damage(await inner.GetAsync(name, cancellationToken).ConfigureAwait(false));
    }

    public async Task<byte[]> GetRangeAsync(string name, long offset, int length, CancellationToken cancellationToken = default)
    {
        await BeforeAsync("range download", name, cancellationToken).ConfigureAwait(false);
        return Damage(await inner.GetRangeAsync(name, offset, length, cancellationToken).ConfigureAwait(false));
    }

    public async IAsyncEnumerable<BlobInfo> ListAsync(string prefix, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        await DelayAsync(cancellationToken).ConfigureAwait(false);
        // A listing may break at any point, after handing out some of its items.
        var breakAfter = Draw(() => Chance(plan.TransientRate) ? random.NextInt(50) : -1, noFault: -1);
        var given = 0;
        await foreach (var blob in inner.ListAsync(prefix, cancellationToken).ConfigureAwait(false))
        {
            if (given++ == breakAfter)
            {
                throw Transient("listing", prefix);
            }
            yield return blob;
        }
        if (breakAfter >= given)
        {
            throw Transient("listing", prefix);
        }
    }

    public async Task DeleteAsync(string name, CancellationToken cancellationToken = default)
    {
        await BeforeAsync("deletion", name, cancellationToken).ConfigureAwait(false);
        await inner.DeleteAsync(name, cancellationToken).ConfigureAwait(false);
    }

    private async Task BeforeAsync(string what, string name, CancellationToken cancellationToken)
    {
        await DelayAsync(cancellationToken).ConfigureAwait(false);
        if (Draw(() => Chance(plan.TransientRate)))
        {
            throw Transient(what, name);
        }
    }

    private Task DelayAsync(CancellationToken cancellationToken) =>
        plan.Latency > TimeSpan.Zero && !Paused ? Task.Delay(plan.Latency, cancellationToken) : Task.CompletedTask;

    private byte[] Damage(byte[] bytes)
    {
        var (corrupt, truncate, position) = Draw(() => (Chance(plan.CorruptReadRate), Chance(plan.TruncateReadRate), random.Next()));
        if (bytes.Length == 0)
        {
            return bytes;
        }
        if (corrupt)
        {
            Interlocked.Increment(ref corruptedReads);
            bytes = (byte[])bytes.Clone();
            var bit = (int)(position % (ulong)(bytes.Length * 8));
            bytes[bit / 8] ^= (byte)(1 << (bit % 8));
        }
        if (truncate)
        {
            Interlocked.Increment(ref truncatedReads);
            bytes = bytes[..(int)(position % (ulong)bytes.Length)];
        }
        return bytes;
    }

    private T Draw<T>(Func<T> draw, T noFault = default!)
    {
        if (Paused)
        {
            return noFault;
        }
        lock (gate)
        {
            return draw();
        }
    }

    private bool Chance(double rate) => rate > 0 && random.NextDouble() < rate;

    private TransientBlobStoreException Transient(string what, string name)
    {
        Interlocked.Increment(ref transientFaults);
        return new TransientBlobStoreException($"Injected fault: the {what} of '{name}' failed.");
    }
}
