namespace Lockbox.Repository.Storage;

/// <summary>
/// Where a repository's objects live: a folder, an S3 bucket, an Azure container. Objects are
/// immutable once written and addressed by slash-separated names ("config", "data/3f/3f9a…",
/// "snapshots/…"). The engine never trusts what comes back: every object is authenticated after
/// reading, so a store only has to be durable, not honest.
/// </summary>
/// <remarks>
/// Contract (tests/Lockbox.Storage.Tests runs it against every implementation):
/// <list type="bullet">
/// <item>A put is atomic: readers see the whole object under its name or nothing, never a part.</item>
/// <item><see cref="PutIfAbsentAsync"/> returns false, and leaves the object as it was, when the name exists.</item>
/// <item>Reading a missing object throws <see cref="BlobNotFoundException"/>.</item>
/// <item><see cref="ListAsync"/> returns every object under the prefix, however many (implementations page).</item>
/// <item>Deleting a missing object is not an error.</item>
/// <item>Other failures surface as <see cref="BlobStoreException"/> with a message fit for the user.</item>
/// </list>
/// </remarks>
public interface IBlobStore
{
    /// <summary>A short, credential-free description for messages ("folder /backups/chat", "s3://bucket/prefix").</summary>
    string Description { get; }

    /// <summary>Writes <paramref name="data"/> under <paramref name="name"/> unless an object of that name exists.</summary>
    /// <returns>True when written; false when the name already existed (nothing was changed).</returns>
    Task<bool> PutIfAbsentAsync(string name, ReadOnlyMemory<byte> data, CancellationToken cancellationToken = default);

    /// <summary>Reads a whole object.</summary>
    Task<byte[]> GetAsync(string name, CancellationToken cancellationToken = default);

    /// <summary>Reads <paramref name="length"/> bytes at <paramref name="offset"/>; fewer only if the object ends first.</summary>
    Task<byte[]> GetRangeAsync(string name, long offset, int length, CancellationToken cancellationToken = default);

    /// <summary>Lists the objects whose names start with <paramref name="prefix"/> ("" for all), in no particular order.</summary>
    IAsyncEnumerable<BlobInfo> ListAsync(string prefix, CancellationToken cancellationToken = default);

    /// <summary>Deletes an object; a missing one is not an error.</summary>
    Task DeleteAsync(string name, CancellationToken cancellationToken = default);
}

/// <summary>An object's name and size as listed by a store.</summary>
public readonly record struct BlobInfo(string Name, long Size);

/// <summary>A store failed in a way the engine cannot fix (unreachable, denied, full disk).</summary>
public class BlobStoreException : Exception
{
    public BlobStoreException(string message) : base(message) { }
    public BlobStoreException(string message, Exception innerException) : base(message, innerException) { }
}

/// <summary>The named object does not exist in the store.</summary>
public sealed class BlobNotFoundException : BlobStoreException
{
    public BlobNotFoundException(string name) : base($"Object '{name}' is missing from the store.") => Name = name;

    /// <summary>The object's name.</summary>
    public string Name { get; }
}
