namespace Lockbox.Vault.Hsm.Pkcs11;

/// <summary>Where the vault's keys live in a PKCS#11 token. The PIN comes from the environment, never from argv or config files.</summary>
public sealed record Pkcs11HsmOptions
{
    /// <summary>Path of the PKCS#11 module, e.g. /usr/lib/softhsm/libsofthsm2.so.</summary>
    public required string LibraryPath { get; init; }

    /// <summary>The token's label (slot ids are not stable across restarts; labels are).</summary>
    public required string TokenLabel { get; init; }

    /// <summary>The user PIN.</summary>
    public required string Pin { get; init; }

    /// <summary>Prefix of the key objects' CKA_LABEL, so one token can hold several vaults' keys.</summary>
    public string KeyLabelPrefix { get; init; } = "lockbox-vault";

    /// <summary>
    /// The key ceremony makes the fleet secrets CKA_EXTRACTABLE (still CKA_SENSITIVE: never readable), so they can be
    /// wrapped for another node's token (<c>vault provision wrap</c>). False for a vault that will never have a second node.
    /// </summary>
    public bool Wrappable { get; init; } = true;

    /// <summary>Parallel sessions kept open (each is used by one thread at a time).</summary>
    public int Sessions { get; init; } = 4;

    public override string ToString() => $"Pkcs11HsmOptions({LibraryPath}, token {TokenLabel}, pin ***)";
}
