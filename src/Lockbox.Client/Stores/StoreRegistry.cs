using Lockbox.Repository.Storage;

namespace Lockbox.Client.Stores;

/// <summary>
/// The stores an app can keep repositories in, by address scheme (docs/STORAGE.md, "Store registry"). A registry
/// starts with folders; the app's composition root registers the rest (the <c>lockbox</c> CLI registers S3 and
/// Azure, a phone app its platform's cloud). The SDK itself names no cloud.
/// </summary>
public sealed class StoreRegistry
{
    private readonly List<IBlobStoreFactory> _factories = [new FolderStoreFactory()];

    /// <summary>Adds a kind of store.</summary>
    /// <exception cref="ArgumentException">A store for the same scheme is already registered.</exception>
    public StoreRegistry Register(IBlobStoreFactory factory)
    {
        ArgumentNullException.ThrowIfNull(factory);
        ArgumentException.ThrowIfNullOrWhiteSpace(factory.Scheme, nameof(factory));
        if (Find(factory.Scheme) is not null)
            throw new ArgumentException($"A store for '{factory.Scheme}://' is already registered.", nameof(factory));
        _factories.Add(factory);
        return this;
    }

    /// <summary>The registered schemes, folders ("file") first.</summary>
    public IReadOnlyList<string> Schemes => _factories.Select(f => f.Scheme).ToList();

    /// <summary>Opens the store at <paramref name="address"/> (a folder path, or <c>scheme://root/prefix</c>).</summary>
    /// <exception cref="BlobStoreException">The address is empty, of an unregistered scheme, or refused by its store; one line.</exception>
    public IBlobStore Open(string? address, StoreLimits? limits = null)
    {
        if (string.IsNullOrWhiteSpace(address))
            throw new BlobStoreException($"No repository address given: {Forms()}.");
        StoreLocation location = StoreLocation.Parse(address);
        IBlobStoreFactory factory = Find(location.Scheme)
            ?? throw new BlobStoreException($"Unknown repository address scheme '{StoreLocation.Shorten(location.Scheme)}://': {Forms()}.");
        return factory.Open(location, limits ?? StoreLimits.None);
    }

    /// <summary>
    /// A stable form of <paramref name="address"/>, used to key device state: the full path for a folder, the address
    /// without trailing slashes otherwise.
    /// </summary>
    public static string Normalize(string address)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(address);
        address = address.Trim();
        if (address.Contains("://", StringComparison.Ordinal)) return address.TrimEnd('/');
        return Path.TrimEndingDirectorySeparator(Path.GetFullPath(address));
    }

    private IBlobStoreFactory? Find(string scheme) =>
        _factories.Find(f => string.Equals(f.Scheme, scheme, StringComparison.OrdinalIgnoreCase));

    private string Forms()
    {
        List<string> forms = _factories.Select(f => f.Form).ToList();
        return forms.Count == 1 ? $"use {forms[0]}" : $"use {string.Join(", ", forms[..^1])} or {forms[^1]}";
    }
}
