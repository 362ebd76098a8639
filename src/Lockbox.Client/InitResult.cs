using Lockbox.Client.Vault;

namespace Lockbox.Client;

/// <summary>The outcome of <see cref="LockboxClient.CreateAsync"/>.</summary>
/// <param name="Address">The normalized repository address.</param>
/// <param name="KeyDigits">The 64-digit key, grouped as the user should write it down.</param>
/// <param name="KeyOrigin">Whether the key was made now or came from the device or the app.</param>
public sealed record InitResult(string Address, string KeyDigits, KeyOrigin KeyOrigin)
{
    /// <summary>With password escrow: the vault's account status after enrolment (guess limit); otherwise null.</summary>
    public VaultAccountStatus? Escrow { get; init; }

    /// <summary>With password escrow: the vault and account that hold the key; otherwise null.</summary>
    public Uri? VaultUrl { get; init; }

    /// <summary>With password escrow: the account at the vault; otherwise null.</summary>
    public string? AccountId { get; init; }

    /// <summary>Never the key: the digits are for the user's eyes only.</summary>
    public override string ToString() => $"InitResult({Address}, key from {KeyOrigin})";
}
