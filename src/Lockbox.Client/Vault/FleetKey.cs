using Lockbox.Cryptography;

namespace Lockbox.Client.Vault;

/// <summary>
/// The vault fleet's key as users pin it: the fleet's Ed25519 signing public key, written
/// <c>lbfk1.</c> || base64url(32 bytes) (docs/VAULT-API.md, "Signed answers"). Anything else — a key pinned
/// before signed answers (32 bytes without the prefix), a wrong length, bad base64url — is refused with one line.
/// </summary>
public static class FleetKey
{
    /// <summary>Length of the key in bytes (an Ed25519 public key).</summary>
    public const int Size = 32;

    /// <summary>Decodes a fleet key; on failure <paramref name="error"/> says what is wrong.</summary>
    public static bool TryParse(string? text, out byte[] key, out string? error) => VaultSigning.TryParseFleetKey(text, out key, out error);

    /// <summary>The text form of a key.</summary>
    public static string Format(ReadOnlySpan<byte> key) => VaultSigning.FormatFleetKey(key);
}
