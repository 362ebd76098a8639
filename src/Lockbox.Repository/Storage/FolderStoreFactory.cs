namespace Lockbox.Repository.Storage;

/// <summary>Opens <see cref="FolderBlobStore"/>s: a plain path or <c>file://path</c>.</summary>
public sealed class FolderStoreFactory : IBlobStoreFactory
{
    public string Scheme => StoreLocation.FolderScheme;

    public string Form => "a folder path";

    public IBlobStore Open(StoreLocation location, StoreLimits limits)
    {
        ArgumentNullException.ThrowIfNull(location);
        return new FolderBlobStore(location.Root);
    }
}
