using Lockbox.Client.Stores;
using Lockbox.Repository.Storage;

namespace Lockbox.Client;

/// <summary>
/// Turns what a user passes as <c>--repo</c> into a store and a stable key for device state.
/// The store itself comes from <see cref="StoreLocator.Open(string)"/>, the single place addresses
/// are interpreted (folder, s3://, azure://).
/// </summary>
internal static class RepositoryAddress
{
    /// <summary>A stable form of the address, used to key device state (full path for folders).</summary>
    public static string Normalize(string address)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(address);
        address = address.Trim();
        if (address.Contains("://", StringComparison.Ordinal)) return address.TrimEnd('/');
        return Path.TrimEndingDirectorySeparator(Path.GetFullPath(address));
    }

    /// <summary>Opens the store behind a normalized address.</summary>
    public static IBlobStore Open(string normalizedAddress) => StoreLocator.Open(normalizedAddress);
}
