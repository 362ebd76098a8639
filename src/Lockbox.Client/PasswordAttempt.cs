using Lockbox.Client.Vault;

namespace Lockbox.Client;

/// <summary>
/// One request for the password while recovering the key from the vault (<see cref="LockboxClient.RecoverKeyAsync"/>).
/// </summary>
/// <param name="AccountId">The account at the vault whose password is asked for.</param>
/// <param name="Number">1 for the first attempt, 2 after one wrong password, ...</param>
/// <param name="PreviousFailure">The wrong-password failure of the attempt before (its message says how many guesses are left), or null.</param>
public sealed record PasswordAttempt(string AccountId, int Number, VaultException? PreviousFailure);
