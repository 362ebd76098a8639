namespace Lockbox.Vault.Core.State;

/// <summary>What applying a command (or a query) came to; the HTTP layer maps each to one status code.</summary>
public enum VaultOutcome
{
    /// <summary>Done.</summary>
    Ok,

    /// <summary>Enrol on an account that already has an escrow.</summary>
    AlreadyEnrolled,

    /// <summary>No escrow for this account (change, reset, delete, status).</summary>
    NotEnrolled,

    /// <summary>The guess limit is reached or the key was erased: the escrowed key is gone for good.</summary>
    Locked,

    /// <summary>KE3 did not verify (wrong password, or a KE3 from another session). One outcome, no reason.</summary>
    LoginFailed,

    /// <summary>No pending login with this session id for this account (never issued, already used, or expired).</summary>
    UnknownSession,

    /// <summary>The management credential does not match.</summary>
    Forbidden,

    /// <summary>An OPAQUE message that does not decode (e.g. not a group element).</summary>
    InvalidMessage,
}
