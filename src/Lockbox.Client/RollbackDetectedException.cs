namespace Lockbox.Client;

/// <summary>
/// The repository's newest snapshot is older than one this device has already seen: the store hid or
/// rolled back snapshots. The snapshot chain cannot catch that alone, since a store that drops the
/// newest manifest leaves a valid, shorter chain.
/// </summary>
public sealed class RollbackDetectedException : LockboxClientException
{
    public RollbackDetectedException(string address, long seen, long newest)
        : base($"The repository {address} was rolled back: this device has seen snapshot #{seen}, but the newest one there is #{newest}. The store hid or removed snapshots.")
    {
        SeenSequence = seen;
        NewestSequence = newest;
    }

    /// <summary>The highest snapshot sequence this device has seen in the repository.</summary>
    public long SeenSequence { get; }

    /// <summary>The highest snapshot sequence the repository shows now (0 when it shows none).</summary>
    public long NewestSequence { get; }
}
