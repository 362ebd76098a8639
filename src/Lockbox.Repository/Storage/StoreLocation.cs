namespace Lockbox.Repository.Storage;

/// <summary>
/// A repository address taken apart: <c>scheme://root/prefix</c> (root is the bucket or container), or a
/// folder path (scheme <see cref="FolderScheme"/>, <see cref="Root"/> the path). Parsing checks only the
/// shape; the factory of the scheme checks the names.
/// </summary>
public sealed record StoreLocation
{
    /// <summary>The scheme of a folder address (a plain path, or file://path).</summary>
    public const string FolderScheme = "file";

    private StoreLocation(string scheme, string root, string prefix, string address)
    {
        Scheme = scheme;
        Root = root;
        Prefix = prefix;
        Address = address;
    }

    /// <summary>The scheme, lower case ("file" for a folder).</summary>
    public string Scheme { get; }

    /// <summary>The bucket or container; for a folder, its path.</summary>
    public string Root { get; }

    /// <summary>The folder inside the bucket or container, without leading or trailing slash ("" for its root).</summary>
    public string Prefix { get; }

    /// <summary>The address as given, trimmed.</summary>
    public string Address { get; }

    /// <summary>Takes <paramref name="address"/> apart.</summary>
    /// <exception cref="BlobStoreException">The address is empty or names nothing after its scheme.</exception>
    public static StoreLocation Parse(string? address)
    {
        if (string.IsNullOrWhiteSpace(address))
            throw new BlobStoreException("No repository address given.");
        address = address.Trim();
        int separator = address.IndexOf("://", StringComparison.Ordinal);
        if (separator < 0)
            return new StoreLocation(FolderScheme, address, "", address);
        string scheme = address[..separator].ToLowerInvariant();
        string rest = address[(separator + 3)..];
        if (scheme == FolderScheme)
        {
            return rest.Length == 0
                ? throw new BlobStoreException($"'{Shorten(address)}' names no folder.")
                : new StoreLocation(FolderScheme, rest, "", address);
        }
        int slash = rest.IndexOf('/', StringComparison.Ordinal);
        string root = slash < 0 ? rest : rest[..slash];
        string prefix = slash < 0 ? "" : rest[(slash + 1)..].Trim('/');
        return new StoreLocation(scheme, root, prefix, address);
    }

    /// <summary>At most 40 characters of <paramref name="text"/>, for messages that echo user input.</summary>
    public static string Shorten(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        return text.Length <= 40 ? text : text[..40] + "…";
    }

    public override string ToString() => Address;
}
