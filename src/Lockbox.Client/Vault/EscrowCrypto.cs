using System.Security.Cryptography;
using System.Text;
using Lockbox.Cryptography;
using Lockbox.Vault.Protocol;

namespace Lockbox.Client.Vault;

/// <summary>
/// The device's side of the escrow format (DESIGN.md, "Keys"; docs/VAULT-API.md). No I/O.
/// <list type="bullet">
/// <item><c>wrap_key = HKDF-SHA256(ikm = export_key, salt = "", info = Labels.VaultKeyWrap, L = 32)</c>;
/// <c>wrapped_key = nonce (12) || AES-256-GCM(wrap_key, K, aad = account id UTF-8) || tag (16)</c> — 60 bytes.</item>
/// <item><c>transport_key = HKDF-SHA256(ikm = session_key, salt = "", info = Labels.VaultTransport, L = 32)</c>;
/// <c>sealed_key = nonce || AES-256-GCM(transport_key, wrapped_key, aad = account id UTF-8) || tag</c> — 88 bytes.</item>
/// <item><c>management_credential = HKDF-SHA256(K, salt = Labels.Salt, info = Labels.VaultManagement, L = 32)</c>
/// (<see cref="BackupKey.Derive(ReadOnlySpan{byte}, Span{byte})"/>, as docs/VAULT-API.md fixes it); the vault stores only its SHA-256.</item>
/// </list>
/// </summary>
internal static class EscrowCrypto
{
    /// <summary>Wraps K under the export key, bound to the account.</summary>
    public static byte[] Wrap(ReadOnlySpan<byte> exportKey, BackupKey key, string accountId)
    {
        Span<byte> wrapKey = stackalloc byte[Aead.KeySize];
        Span<byte> raw = stackalloc byte[BackupKey.Size];
        try
        {
            HKDF.DeriveKey(HashAlgorithmName.SHA256, exportKey, wrapKey, ReadOnlySpan<byte>.Empty, Labels.VaultKeyWrap);
            key.CopyTo(raw);
            byte[] wrapped = new byte[VaultSizes.WrappedKey];
            Aead.Seal(wrapKey, raw, Encoding.UTF8.GetBytes(accountId), wrapped);
            return wrapped;
        }
        finally
        {
            CryptographicOperations.ZeroMemory(wrapKey);
            CryptographicOperations.ZeroMemory(raw);
        }
    }

    /// <summary>Unwraps K with the export key, or returns null when the wrapped key does not authenticate.</summary>
    public static BackupKey? TryUnwrap(ReadOnlySpan<byte> exportKey, ReadOnlySpan<byte> wrapped, string accountId)
    {
        if (wrapped.Length != VaultSizes.WrappedKey) return null;
        Span<byte> wrapKey = stackalloc byte[Aead.KeySize];
        Span<byte> raw = stackalloc byte[BackupKey.Size];
        try
        {
            HKDF.DeriveKey(HashAlgorithmName.SHA256, exportKey, wrapKey, ReadOnlySpan<byte>.Empty, Labels.VaultKeyWrap);
            return Aead.TryOpen(wrapKey, wrapped, Encoding.UTF8.GetBytes(accountId), raw) ? BackupKey.Import(raw) : null;
        }
        finally
        {
            CryptographicOperations.ZeroMemory(wrapKey);
            CryptographicOperations.ZeroMemory(raw);
        }
    }

    /// <summary>Opens the vault's transport seal around the wrapped key, or returns null when it does not authenticate.</summary>
    public static byte[]? TryUnseal(ReadOnlySpan<byte> sessionKey, ReadOnlySpan<byte> sealedKey, string accountId)
    {
        if (sealedKey.Length != VaultSizes.SealedKey) return null;
        Span<byte> transportKey = stackalloc byte[Aead.KeySize];
        try
        {
            HKDF.DeriveKey(HashAlgorithmName.SHA256, sessionKey, transportKey, ReadOnlySpan<byte>.Empty, Labels.VaultTransport);
            byte[] wrapped = new byte[VaultSizes.WrappedKey];
            if (Aead.TryOpen(transportKey, sealedKey, Encoding.UTF8.GetBytes(accountId), wrapped)) return wrapped;
            return null;
        }
        finally
        {
            CryptographicOperations.ZeroMemory(transportKey);
        }
    }

    /// <summary>The management credential: proof of K for password change, reset and delete.</summary>
    public static byte[] ManagementCredential(BackupKey key)
    {
        byte[] credential = new byte[VaultSizes.ManagementCredential];
        key.Derive(Labels.VaultManagement, credential);
        return credential;
    }
}
