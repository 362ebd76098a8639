namespace Lockbox.Vault.Protocol;

/// <summary>The stable machine codes of docs/VAULT-API.md ("Errors") that the device acts on, spelled once for both sides.</summary>
internal static class VaultErrorCodes
{
    public const string LoginFailed = "login_failed";
    public const string Locked = "locked";
    public const string NoGuessesLeft = "no_guesses_left";
    public const string NotEnrolled = "not_enrolled";
    public const string AlreadyEnrolled = "already_enrolled";
    public const string ManagementCredentialInvalid = "management_credential_invalid";
    public const string Unauthorized = "unauthorized";
    public const string AccountMismatch = "account_mismatch";
    public const string RateLimited = "rate_limited";
    public const string AnchorStale = "anchor_stale";
    public const string NoQuorum = "no_quorum";
    public const string NotLeader = "not_leader";
    public const string WrongGroup = "wrong_group";
}
