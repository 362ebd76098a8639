namespace Lockbox.Repository.Storage;

/// <summary>
/// One kind of store, as an app registers it with the SDK (docs/STORAGE.md, "Store registry"): the address
/// scheme it answers to, and how it opens a store from a parsed address. Each store project exports one
/// (<see cref="FolderStoreFactory"/>, <c>S3StoreFactory</c>, <c>AzureStoreFactory</c>); a phone app adds its
/// platform's cloud the same way. Credentials are given to the factory when it is made, never in the address.
/// </summary>
public interface IBlobStoreFactory
{
    /// <summary>The scheme this factory opens, lower case, without "://" (e.g. "s3").</summary>
    string Scheme { get; }

    /// <summary>The address form for messages, e.g. "s3://bucket/prefix".</summary>
    string Form { get; }

    /// <summary>Opens the store at <paramref name="location"/>, within <paramref name="limits"/>.</summary>
    /// <exception cref="BlobStoreException">The address names no valid container, or the configuration is missing; the message is one line.</exception>
    IBlobStore Open(StoreLocation location, StoreLimits limits);
}
