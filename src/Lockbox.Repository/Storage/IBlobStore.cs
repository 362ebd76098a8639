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
/// <item>Reading into a caller's buffer (<see cref="ReadAsync"/>, <see cref="ReadRangeAsync"/>) throws
/// <see cref="BlobSizeException"/> when the object does not fit the buffer or ends before the range does.</item>
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

    /// <summary>
    /// Reads a whole object into the start of <paramref name="buffer"/> (a pooled one, so a large object is not a fresh
    /// array on the large-object heap for each read) and returns its length.
    /// </summary>
    /// <exception cref="BlobNotFoundException">The object does not exist.</exception>
    /// <exception cref="BlobSizeException">The object is longer than <paramref name="buffer"/>.</exception>
    /// <remarks>The default reads through <see cref="GetAsync"/> and copies; stores override it to read in place.</remarks>
    async ValueTask<int> ReadAsync(string name, Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        byte[] data = await GetAsync(name, cancellationToken).ConfigureAwait(false);
        if (data.Length > buffer.Length) throw BlobSizeException.TooLarge(name, buffer.Length);
        data.CopyTo(buffer);
        return data.Length;
    }

    /// <summary>Reads exactly <paramref name="buffer"/>'s length of bytes at <paramref name="offset"/> into it.</summary>
    /// <exception cref="BlobNotFoundException">The object does not exist.</exception>
    /// <exception cref="BlobSizeException">The object ends before the range does.</exception>
    /// <remarks>The default reads through <see cref="GetRangeAsync"/> and copies; stores override it to read in place.</remarks>
    async ValueTask ReadRangeAsync(string name, long offset, Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(offset);
        byte[] data = await GetRangeAsync(name, offset, buffer.Length, cancellationToken).ConfigureAwait(false);
        if (data.Length != buffer.Length) throw BlobSizeException.EndsEarly(name, offset, buffer.Length);
        data.CopyTo(buffer);
    }

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

/// <summary>
/// An object does not have the size a read into a caller's buffer needs: longer than the buffer, or ending before the
/// requested range does. The engine treats it like any other damage to that object (truncated or replaced).
/// </summary>
public sealed class BlobSizeException : BlobStoreException
{
    private BlobSizeException(string name, string message) : base(message) => Name = name;

    /// <summary>The object's name.</summary>
    public string Name { get; }

    /// <summary>The object is longer than the buffer of <paramref name="bufferLength"/> bytes it was to be read into.</summary>
    public static BlobSizeException TooLarge(string name, long bufferLength) =>
        new(name, $"Object '{name}' is larger than the {bufferLength} bytes expected of it.");

    /// <summary>The object ends before byte <paramref name="offset"/> + <paramref name="length"/>.</summary>
    public static BlobSizeException EndsEarly(string name, long offset, int length) =>
        new(name, $"Object '{name}' ends before the {length} bytes at offset {offset} that were expected of it.");
}

/// <summary>The named object does not exist in the store.</summary>
public sealed class BlobNotFoundException : BlobStoreException
{
    public BlobNotFoundException(string name) : base($"Object '{name}' is missing from the store.") => Name = name;

    /// <summary>The object's name.</summary>
    public string Name { get; }
}
