namespace Lockbox.Client.Vault;

/// <summary>Why a vault operation failed; the CLI maps each to one exit code.</summary>
public enum VaultFailure
{
    /// <summary>The password is wrong; <see cref="VaultException.GuessesLeft"/> says how many guesses remain.</summary>
    WrongPassword = 1,

    /// <summary>The guess limit was reached: the vault erased the escrowed key for good.</summary>
    Locked,

    /// <summary>The vault did not prove the pinned fleet key: it is not the vault this device trusts.</summary>
    NotAuthentic,

    /// <summary>The vault's answer did not authenticate (sealed or wrapped key tampered with).</summary>
    Tampered,

    /// <summary>This account has no escrowed key.</summary>
    NotEnrolled,

    /// <summary>This account already has an escrowed key.</summary>
    AlreadyEnrolled,

    /// <summary>The management credential did not match: the backup key at hand is not the escrowed one.</summary>
    KeyMismatch,

    /// <summary>The app's account credential (token) was missing, invalid, expired or for another account.</summary>
    AccountCredentialRejected,

    /// <summary>Too many requests; retry later.</summary>
    RateLimited,

    /// <summary>The vault could not be reached (connection refused, timeout, DNS).</summary>
    Unreachable,

    /// <summary>The vault refused the request or answered something this client does not understand.</summary>
    Rejected,

    /// <summary>A replicated vault has no majority of its nodes answering (or no leader this device reaches); retry later.</summary>
    NoQuorum,

    /// <summary>The store's newest snapshot is older than the freshness anchor the vault keeps: the store hides newer backups.</summary>
    StaleStore,
}
