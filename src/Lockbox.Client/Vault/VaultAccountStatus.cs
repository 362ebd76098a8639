namespace Lockbox.Client.Vault;

/// <summary>What the vault says about an account's escrow.</summary>
/// <param name="Locked">True when the escrowed key was erased at the guess limit.</param>
/// <param name="GuessesLeft">Wrong passwords the vault still accepts before erasing the key.</param>
/// <param name="GuessLimit">The account's guess limit.</param>
/// <param name="Version">Increases with every password change or reset.</param>
public sealed record VaultAccountStatus(bool Locked, int GuessesLeft, int GuessLimit, long Version);
