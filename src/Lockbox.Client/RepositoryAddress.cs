using Lockbox.Client.Stores;
using Lockbox.Repository.Storage;

namespace Lockbox.Client;

/// <summary>
/// Repository addresses for code that has no <see cref="StoreRegistry"/> of an app at hand (<c>Vault/VaultHints</c>):
/// folders only. Everything in <see cref="LockboxClient"/> opens stores through its options' registry.
/// </summary>
internal static class RepositoryAddress
{
    private static readonly StoreRegistry FoldersOnly = new();

    /// <summary>A stable form of the address, used to key device state (full path for folders).</summary>
    public static string Normalize(string address) => StoreRegistry.Normalize(address);

    /// <summary>Opens the folder behind a normalized address.</summary>
    public static IBlobStore Open(string normalizedAddress) => FoldersOnly.Open(normalizedAddress);
}
