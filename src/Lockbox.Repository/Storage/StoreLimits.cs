namespace Lockbox.Repository.Storage;

/// <summary>
/// What an app may cap about a remote store's traffic, for every store it opens. Each store maps these onto its
/// own request rules (the cloud stores through <c>Lockbox.Storage.Resilience</c>); a folder ignores them.
/// </summary>
public sealed record StoreLimits
{
    /// <summary>No caps: the stores' defaults.</summary>
    public static StoreLimits None { get; } = new();

    /// <summary>Bytes per second sent plus received, averaged; null for no limit.</summary>
    public long? BandwidthBytesPerSecond { get; init; }

    /// <summary>Requests in flight at once per store; null for the store's default.</summary>
    public int? MaxParallelism { get; init; }
}
