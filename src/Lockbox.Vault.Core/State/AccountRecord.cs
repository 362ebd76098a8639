namespace Lockbox.Vault.Core.State;

/// <summary>
/// One account's escrow (DESIGN.md, "Vault"): the OPAQUE registration record, the backup key as wrapped
/// on the device (the vault cannot open it), the guess counter and limit, the locked flag, SHA-256 of the
/// management credential, the enrolment id and KSF parameters, and a version bumped by every enrol / change / reset.
/// </summary>
internal sealed class AccountRecord
{
    public required string AccountId { get; init; }
    public required byte[] Record { get; set; }

    /// <summary>The wrapped key; null once erased at the guess limit (the bytes are overwritten, then dropped).</summary>
    public byte[]? WrappedKey { get; set; }

    public required byte[] ManagementHash { get; init; }
    public int GuessCount { get; set; }
    public int GuessLimit { get; set; }
    public bool Locked { get; set; }
    public long Version { get; set; }

    /// <summary>The enrolment id the record's OPRF key is derived under (empty for records of format 1).</summary>
    public byte[] EnrolmentId { get; set; } = [];

    /// <summary>The Argon2id parameters the device enrolled with (null for records of format 1).</summary>
    public KsfParameters? Ksf { get; set; }

    /// <summary>
    /// The freshness anchor (issue 10): the sequence number and hash of the newest snapshot the device has backed
    /// up, advanced only with the management credential; 0 and empty until the device first sets it.
    /// </summary>
    public long AnchorSequence { get; set; }

    /// <summary>SHA-256-sized hash of the anchored snapshot (empty when no anchor is set).</summary>
    public byte[] AnchorHash { get; set; } = [];

    /// <summary>The escrowed key was erased (guess limit or delete): nothing can bring it back.</summary>
    public bool Erased => WrappedKey is null;

    public int GuessesLeft => Math.Max(0, GuessLimit - GuessCount);

    /// <summary>Irreversibly destroys the escrowed key: zero the bytes in memory, drop the reference, mark locked.</summary>
    public void EraseWrappedKey()
    {
        if (WrappedKey is not null) System.Security.Cryptography.CryptographicOperations.ZeroMemory(WrappedKey);
        WrappedKey = null;
        Locked = true;
    }
}
