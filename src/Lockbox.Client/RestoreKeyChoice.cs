using Lockbox.Repository;

namespace Lockbox.Client;

/// <summary>
/// Where a restore takes the backup key from (<see cref="LockboxClient.ChooseRestoreKeyAsync"/>): this device (it holds a
/// key, or the app gave the digits) or the vault the repository remembers, with the password.
/// </summary>
/// <param name="UseVault">True: recover the key from the vault with the password.</param>
/// <param name="Hints">The vault address and account the repository remembers (unauthenticated until the key opens it), or null.</param>
public sealed record RestoreKeyChoice(bool UseVault, RepositoryHints? Hints);
