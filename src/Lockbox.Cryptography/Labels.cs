namespace Lockbox.Cryptography;

/// <summary>
/// Every HKDF-SHA256 label Lockbox derives from the backup key K (docs/FORMAT.md, "Keys").
/// A label names its purpose and format version; changing what a key is used for means a new label,
/// never reusing an old one. No other class may invent a label.
/// </summary>
public static class Labels
{
    /// <summary>HKDF salt for every derivation from K: fixed, so a key is a function of K and its label alone.</summary>
    public static ReadOnlySpan<byte> Salt => "lockbox/v1/hkdf-salt"u8;

    /// <summary>Key-check value stored in the repository config, so a wrong key reads as "wrong key".</summary>
    public static ReadOnlySpan<byte> KeyCheck => "lockbox/v1/key-check"u8;

    /// <summary>AEAD key for the repository config.</summary>
    public static ReadOnlySpan<byte> ConfigEncryption => "lockbox/v1/config"u8;

    /// <summary>HMAC key for blob ids: dedup without letting the store confirm guessed contents.</summary>
    public static ReadOnlySpan<byte> BlobId => "lockbox/v1/blob-id"u8;

    /// <summary>Root of per-pack blob keys; each pack key = HKDF(K, PackEncryption || pack salt).</summary>
    public static ReadOnlySpan<byte> PackEncryption => "lockbox/v1/pack"u8;

    /// <summary>AEAD key for index, snapshot and lock objects; HKDF context = repository id (docs/FORMAT.md section 3). Pack headers use the pack key.</summary>
    public static ReadOnlySpan<byte> MetadataEncryption => "lockbox/v1/metadata"u8;

    /// <summary>Credential proving possession of K to the vault (password change/reset, delete).</summary>
    public static ReadOnlySpan<byte> VaultManagement => "lockbox/v1/vault-management"u8;

    /// <summary>Wraps K under the OPAQUE export key (info for HKDF over the export key, not over K).</summary>
    public static ReadOnlySpan<byte> VaultKeyWrap => "lockbox/v1/vault-key-wrap"u8;

    /// <summary>Seals the wrapped key under the OPAQUE session key for transport (HKDF over the session key).</summary>
    public static ReadOnlySpan<byte> VaultTransport => "lockbox/v1/vault-transport"u8;

    /// <summary>
    /// WhatsApp's, not Lockbox's: HKDF-SHA256 info that turns a WhatsApp backup root key into the
    /// crypt15 body key (zero salt, not <see cref="Salt"/>). docs/WHATSAPP.md, "Keys".
    /// </summary>
    public static ReadOnlySpan<byte> WhatsAppBackupEncryption => "backup encryption"u8;
}
