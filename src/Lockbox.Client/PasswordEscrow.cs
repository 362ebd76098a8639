using Lockbox.Client.Vault;

namespace Lockbox.Client;

/// <summary>
/// Password mode for <see cref="LockboxClient.CreateAsync"/>: escrow the backup key in this vault behind this
/// password (OPAQUE registration; the key is wrapped on the device), and remember the vault in the repository.
/// </summary>
public sealed class PasswordEscrow
{
    /// <summary>The vault, the account and what the device pins about it.</summary>
    public required VaultClientOptions Vault { get; init; }

    /// <summary>The password the user chose. Never logged.</summary>
    public required string Password { get; init; }

    public override string ToString() => $"PasswordEscrow({Vault.VaultUrl}, account {Vault.AccountId}, password ***)";
}
