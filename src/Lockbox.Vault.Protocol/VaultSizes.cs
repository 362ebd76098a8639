using System.Security.Cryptography;
using Lockbox.Cryptography;
using Lockbox.Opaque;

namespace Lockbox.Vault.Protocol;

/// <summary>
/// Exact byte lengths of the vault's fields (docs/VAULT-API.md), one definition for the server and the device. The
/// OPAQUE message sizes are <see cref="Lockbox.Opaque"/>'s own (RFC 9807, ristretto255-SHA512); the escrow sizes
/// follow from <see cref="BackupKey.Size"/> and the AEAD's nonce and tag (<see cref="Aead.Overhead"/>).
/// </summary>
internal static class VaultSizes
{
    /// <summary>OPAQUE RegistrationRequest: blinded_message (Noe).</summary>
    public const int RegistrationRequest = Lockbox.Opaque.RegistrationRequest.Size;

    /// <summary>OPAQUE RegistrationResponse: evaluated_message (Noe) || server_public_key (Npk).</summary>
    public const int RegistrationResponse = Lockbox.Opaque.RegistrationResponse.Size;

    /// <summary>OPAQUE RegistrationRecord: client_public_key (Npk) || masking_key (Nh) || envelope (Nn + Nm).</summary>
    public const int RegistrationRecord = Lockbox.Opaque.RegistrationRecord.Size;

    /// <summary>OPAQUE KE1: blinded_message || client_nonce || client_public_keyshare.</summary>
    public const int KE1 = Lockbox.Opaque.KE1.Size;

    /// <summary>OPAQUE KE2: credential response || server_nonce || server_public_keyshare || server_mac.</summary>
    public const int KE2 = Lockbox.Opaque.KE2.Size;

    /// <summary>OPAQUE KE3: client_mac (Nm).</summary>
    public const int KE3 = Lockbox.Opaque.KE3.Size;

    /// <summary>The server's AKE public key (Npk), as hello and /v1/server show it.</summary>
    public const int ServerPublicKey = ServerKeyPair.KeySize;

    /// <summary>OPAQUE session_key and export_key (Nh: the SHA-512 output); never on the wire, the transport key is derived from it.</summary>
    public const int SessionKey = SHA512.HashSizeInBytes;

    /// <summary><c>wrapped_key = nonce (12) || AES-256-GCM(wrap_key, K) || tag (16)</c>: the backup key as the device escrows it (60 bytes).</summary>
    public const int WrappedKey = BackupKey.Size + Aead.Overhead;

    /// <summary><c>sealed_key = nonce || AES-256-GCM(transport_key, wrapped_key) || tag</c>: the wrapped key as login/finish returns it (88 bytes).</summary>
    public const int SealedKey = WrappedKey + Aead.Overhead;

    /// <summary><c>management_credential = HKDF-SHA256(K, …, L = 32)</c>; the vault stores only its SHA-256.</summary>
    public const int ManagementCredential = 32;

    /// <summary>The device nonce every request body carries (VaultSigning.NonceSize).</summary>
    public const int Nonce = VaultSigning.NonceSize;
}
