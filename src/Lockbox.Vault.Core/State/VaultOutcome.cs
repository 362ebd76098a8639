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

    /// <summary>The key was erased (guess limit reached and no login pending): the escrowed key is gone for good.</summary>
    Locked,

    /// <summary>
    /// Every allowed guess is taken, but logins started earlier are still pending: the key still exists and
    /// is erased when the last of them fails or expires, unless one of them succeeds.
    /// </summary>
    GuessesExhausted,

    /// <summary>KE3 did not verify (wrong password, or a KE3 from another session). One outcome, no reason.</summary>
    LoginFailed,

    /// <summary>No pending login with this session id for this account (never issued, already used, or expired).</summary>
    UnknownSession,

    /// <summary>The management credential does not match.</summary>
    Forbidden,

    /// <summary>
    /// A command that does not validate (an OPAQUE message that does not decode, a size or range out of
    /// bounds). Logged commands that fail this way are deterministic no-ops (issue 9, finding 3).
    /// </summary>
    InvalidMessage,

    /// <summary>A freshness anchor older than (or conflicting with) the one the vault holds: the anchor only moves forward.</summary>
    AnchorStale,
}
