using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace Lockbox.Vault.Server.Auth;

/// <summary>
/// The development account credential: <c>v1.&lt;base64url(account id)&gt;.&lt;expiry, unix seconds&gt;.&lt;base64url(mac)&gt;</c>
/// with <c>mac = HMAC-SHA256(token_key, "v1." || base64url(account id) || "." || expiry)</c> (ASCII),
/// the 32-byte token key kept in the vault dir (file <c>token.key</c>, mode 0600).
/// </summary>
public sealed class HmacTokenValidator : IAccountCredentialValidator, IDisposable
{
    public const int KeySize = 32;
    private const string Prefix = "v1.";
    private const int MaxTokenLength = 1024;

    private readonly byte[] _key;
    private readonly TimeProvider _time;

    public HmacTokenValidator(ReadOnlySpan<byte> key, TimeProvider? time = null)
    {
        if (key.Length != KeySize) throw new ArgumentException("Token key must be 32 bytes.", nameof(key));
        _key = key.ToArray();
        _time = time ?? TimeProvider.System;
    }

    /// <summary>Mints a token for <paramref name="accountId"/> valid until <paramref name="expires"/>.</summary>
    public string Mint(string accountId, DateTimeOffset expires)
    {
        if (!AccountIds.IsValid(accountId)) throw new ArgumentException(AccountIds.Rule, nameof(accountId));
        string body = Prefix + Base64Url(Encoding.UTF8.GetBytes(accountId)) + "." + expires.ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture);
        return body + "." + Base64Url(HMACSHA256.HashData(_key, Encoding.ASCII.GetBytes(body)));
    }

    public ValueTask<string?> ValidateAsync(string credential, CancellationToken cancellationToken) => ValueTask.FromResult(Validate(credential));

    /// <summary>The account id, or null for anything but a well-formed, authentic, unexpired token.</summary>
    public string? Validate(string credential)
    {
        if (string.IsNullOrEmpty(credential) || credential.Length > MaxTokenLength || !credential.StartsWith(Prefix, StringComparison.Ordinal)) return null;
        int lastDot = credential.LastIndexOf('.');
        if (lastDot <= Prefix.Length) return null;
        string body = credential[..lastDot];
        byte[] mac = new byte[HMACSHA256.HashSizeInBytes];
        if (!TryDecode(credential.AsSpan(lastDot + 1), mac, out int macLength) || macLength != mac.Length) return null;
        byte[] expected = HMACSHA256.HashData(_key, Encoding.ASCII.GetBytes(body));
        if (!CryptographicOperations.FixedTimeEquals(expected, mac)) return null;

        string[] parts = body[Prefix.Length..].Split('.');
        if (parts.Length != 2) return null;
        if (!long.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out long expiry)) return null;
        if (_time.GetUtcNow().ToUnixTimeSeconds() >= expiry) return null;
        byte[] account = new byte[System.Buffers.Text.Base64Url.GetMaxDecodedLength(parts[0].Length)];
        if (!TryDecode(parts[0], account, out int accountLength)) return null;
        string accountId = Encoding.UTF8.GetString(account, 0, accountLength);
        return AccountIds.IsValid(accountId) ? accountId : null;
    }

    /// <summary>Strict base64url decoding that reports malformed input (including non-canonical trailing bits) as false, never throws.</summary>
    private static bool TryDecode(ReadOnlySpan<char> text, Span<byte> destination, out int written)
    {
        written = 0;
        if (text.Length > MaxTokenLength || System.Buffers.Text.Base64Url.GetMaxDecodedLength(text.Length) > destination.Length) return false;
        return System.Buffers.Text.Base64Url.DecodeFromChars(text, destination, out int consumed, out written) == System.Buffers.OperationStatus.Done
            && consumed == text.Length;
    }

    private static string Base64Url(byte[] bytes) => System.Buffers.Text.Base64Url.EncodeToString(bytes);

    public void Dispose() => CryptographicOperations.ZeroMemory(_key);

    public override string ToString() => "HmacTokenValidator(***)";
}
