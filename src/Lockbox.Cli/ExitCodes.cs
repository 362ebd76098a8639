namespace Lockbox.Cli;

/// <summary>
/// The exit codes of the <c>lockbox</c> command (documented in README.md, "Exit codes").
/// Scripts may rely on them; never renumber one.
/// </summary>
internal static class ExitCodes
{
    /// <summary>Done.</summary>
    public const int Success = 0;

    /// <summary>An unexpected failure (a bug): the message names the error type.</summary>
    public const int Failure = 1;

    /// <summary>Bad command line, malformed key, or no key available.</summary>
    public const int Usage = 2;

    /// <summary>The key does not open this repository.</summary>
    public const int WrongKey = 3;

    /// <summary>The address holds no repository, or already holds one (init).</summary>
    public const int NotARepository = 4;

    /// <summary>The repository is damaged or tampered with, or a store rolled snapshots back.</summary>
    public const int Damaged = 5;

    /// <summary>The data to back up is missing, unreadable or not an SQLite database.</summary>
    public const int BadSource = 6;

    /// <summary>The store or local disk failed (unreachable, denied, full).</summary>
    public const int StoreFailed = 7;

    /// <summary>Another backup or prune holds the repository's lock.</summary>
    public const int Locked = 8;

    /// <summary>Restore would overwrite existing files.</summary>
    public const int WouldOverwrite = 9;

    /// <summary>The device state directory is unreadable or damaged.</summary>
    public const int DeviceState = 10;

    /// <summary>Password mode: wrong password (the message says how many guesses are left).</summary>
    public const int WrongPassword = 11;

    /// <summary>Password mode: too many wrong passwords; the vault erased the escrowed key for good.</summary>
    public const int EscrowErased = 12;

    /// <summary>Password mode: the vault is not the pinned one, or its answer was tampered with.</summary>
    public const int VaultNotAuthentic = 13;

    /// <summary>Password mode: the vault is unreachable or refused (account credential, no escrow, rate limit).</summary>
    public const int VaultFailed = 14;

    /// <summary>
    /// Password mode: the store's newest snapshot is older than the vault's freshness anchor (it hides newer backups,
    /// or is an old copy); nothing was restored.
    /// </summary>
    public const int StaleStore = 15;

    /// <summary>
    /// Restore: some files could not be restored because their data is damaged or missing in the store; every other
    /// file was restored, and the report names the missing files (and database pages).
    /// </summary>
    public const int RestoreIncomplete = 16;

    /// <summary>Stopped by Ctrl-C (or SIGTERM) before finishing; the repository is left consistent.</summary>
    public const int Cancelled = 130;
}
