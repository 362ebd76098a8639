using System.Buffers.Binary;
using System.Buffers.Text;
using System.Security.Cryptography;
using System.Text;
using Lockbox.Cryptography.Sodium;

namespace Lockbox.Cryptography;

/// <summary>
/// The fleet signature on vault answers (docs/VAULT-API.md, "Signed answers"; issue 9, findings 5 to 7):
/// the labels, the endpoint names and the one transcript layout, shared by the vault and the device.
/// <code>
/// T = "lockbox/v1/vault-response" || u16(len(endpoint)) || endpoint || u16(len(account_id)) || account_id
///     || SHA-256(request body bytes) || u16(HTTP status) || SHA-256(response body bytes)
/// Lockbox-Signature: base64url(Ed25519(fleet_signing_key, T))
/// </code>
/// Strings are UTF-8; <c>endpoint</c> is one of <see cref="Endpoints"/>, never the raw path; <c>account_id</c>
/// is the routed account (empty for hello). Every request body carries a fresh 16-byte device nonce, so the
/// request hash makes every signature fresh. The pinned fleet key is the Ed25519 public key, written
/// <c>lbfk1.</c> || base64url(32 bytes).
/// </summary>
public static class VaultSigning
{
    /// <summary>Domain separation of the signed transcript.</summary>
    public static ReadOnlySpan<byte> ResponseLabel => "lockbox/v1/vault-response"u8;

    /// <summary>The response header that carries the signature.</summary>
    public const string SignatureHeader = "Lockbox-Signature";

    /// <summary>The request body field holding the device nonce.</summary>
    public const string NonceField = "nonce";

    /// <summary>Size of the device nonce.</summary>
    public const int NonceSize = 16;

    /// <summary>Prefix of the fleet key's text form (version 1 of the form).</summary>
    public const string FleetKeyPrefix = "lbfk1.";

    /// <summary>The canonical endpoint names signed in <c>T</c>.</summary>
    public static class Endpoints
    {
        public const string Hello = "hello";
        public const string RegistrationStart = "registration/start";
        public const string Enrol = "enrol";
        public const string LoginStart = "login/start";
        public const string LoginFinish = "login/finish";
        public const string PasswordChange = "password/change";
        public const string PasswordReset = "password/reset";
        public const string Delete = "delete";
        public const string Status = "status";

        /// <summary>Advances the account's freshness anchor (issue 10; API 2.1).</summary>
        public const string Anchor = "anchor";
    }

    /// <summary>The transcript <c>T</c> for an answer.</summary>
    public static byte[] Transcript(string endpoint, string accountId, ReadOnlySpan<byte> requestBody, int status, ReadOnlySpan<byte> responseBody)
    {
        ArgumentNullException.ThrowIfNull(endpoint);
        ArgumentNullException.ThrowIfNull(accountId);
        if (status is < 100 or > 999) throw new ArgumentOutOfRangeException(nameof(status));
        byte[] name = Encoding.UTF8.GetBytes(endpoint);
        byte[] account = Encoding.UTF8.GetBytes(accountId);
        if (name.Length > ushort.MaxValue || account.Length > ushort.MaxValue) throw new ArgumentException("Endpoint or account id too long.");
        byte[] t = new byte[ResponseLabel.Length + 2 + name.Length + 2 + account.Length + 32 + 2 + 32];
        Span<byte> w = t;
        ResponseLabel.CopyTo(w);
        w = w[ResponseLabel.Length..];
        BinaryPrimitives.WriteUInt16BigEndian(w, (ushort)name.Length);
        name.CopyTo(w[2..]);
        w = w[(2 + name.Length)..];
        BinaryPrimitives.WriteUInt16BigEndian(w, (ushort)account.Length);
        account.CopyTo(w[2..]);
        w = w[(2 + account.Length)..];
        SHA256.HashData(requestBody, w[..32]);
        BinaryPrimitives.WriteUInt16BigEndian(w[32..], (ushort)status);
        SHA256.HashData(responseBody, w[34..]);
        return t;
    }

    /// <summary>The text form of a fleet signing public key: <c>lbfk1.</c> || base64url(32 bytes).</summary>
    public static string FormatFleetKey(ReadOnlySpan<byte> publicKey)
    {
        if (publicKey.Length != Ed25519.PublicKeySize) throw new ArgumentException($"A fleet key is {Ed25519.PublicKeySize} bytes.", nameof(publicKey));
        return FleetKeyPrefix + Base64Url.EncodeToString(publicKey);
    }

    /// <summary>Parses the text form; on failure <paramref name="error"/> is one line saying what is wrong.</summary>
    public static bool TryParseFleetKey(string? text, out byte[] publicKey, out string? error)
    {
        publicKey = [];
        error = null;
        string value = (text ?? "").Trim();
        if (!value.StartsWith(FleetKeyPrefix, StringComparison.Ordinal))
        {
            error = $"The fleet key must start with '{FleetKeyPrefix}' (as 'lockbox vault init' prints it); keys pinned before fleet signing keys must be replaced by the vault's new one.";
            return false;
        }
        string body = value[FleetKeyPrefix.Length..];
        byte[] buffer = new byte[Base64Url.GetMaxDecodedLength(body.Length)];
        if (body.Length == 0 || body.Contains('=', StringComparison.Ordinal)
            || Base64Url.DecodeFromChars(body, buffer, out int consumed, out int written) != System.Buffers.OperationStatus.Done || consumed != body.Length)
        {
            error = $"The fleet key after '{FleetKeyPrefix}' must be base64url without padding.";
            return false;
        }
        if (written != Ed25519.PublicKeySize)
        {
            error = $"The fleet key must decode to {Ed25519.PublicKeySize} bytes, not {written}.";
            return false;
        }
        publicKey = buffer.AsSpan(0, written).ToArray();
        return true;
    }
}
