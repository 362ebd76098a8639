namespace Lockbox.Repository;

/// <summary>
/// What a new device needs before it has K: where the key vault is and which account escrowed the key.
/// Stored in the repository config readable without K, and bound into the config's MAC so that once K is
/// known a store that changed the hints is detected (docs/FORMAT.md, "Config").
/// <see cref="KeyStretching"/> names the Argon2id parameters the password was enrolled with
/// ("t=3,m=65536,p=4"), so a new device stretches the password the same way without being told.
/// </summary>
public sealed record RepositoryHints(string? VaultUrl, string? AccountId, string? KeyStretching = null);
