namespace Lockbox.Repository;

/// <summary>
/// What a new device needs before it has K: where the key vault is and which account escrowed the key.
/// Stored in the repository config readable without K, and bound into the config's MAC so that once K is
/// known a store that changed the hints is detected (docs/FORMAT.md, "Config").
/// </summary>
public sealed record RepositoryHints(string? VaultUrl, string? AccountId);
