using Lockbox.Repository;

namespace Lockbox.Client.Vault;

/// <summary>
/// The vault address and account a repository remembers (<see cref="RepositoryHints"/>), so a new device can
/// restore with only the repository address and the password. Readable without K, so unauthenticated until
/// the repository is opened with the recovered K (which checks them): a store that swaps them can at most
/// point the device at a vault that fails the pinned-key check.
/// </summary>
public static class VaultHints
{
    /// <summary>The hints stored in the repository at <paramref name="address"/>, or null when it has none.</summary>
    public static Task<RepositoryHints?> ReadAsync(string address, CancellationToken cancellationToken = default)
        => BackupRepository.ReadHintsAsync(RepositoryAddress.Open(RepositoryAddress.Normalize(address)), cancellationToken);
}
