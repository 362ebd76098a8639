using System.Buffers.Text;

namespace Lockbox.Client.Vault;

/// <summary>The vault fleet's public key as users pass it: base64url (no padding) of 32 bytes.</summary>
public static class FleetKey
{
    /// <summary>Length of the key in bytes (an OPAQUE ristretto255 public key).</summary>
    public const int Size = 32;

    /// <summary>Decodes a fleet key; on failure <paramref name="error"/> says what is wrong.</summary>
    public static bool TryParse(string? text, out byte[] key, out string? error)
    {
        key = [];
        error = null;
        string value = (text ?? "").Trim();
        byte[] buffer = new byte[Base64Url.GetMaxDecodedLength(value.Length)];
        if (value.Length == 0 || value.Contains('=', StringComparison.Ordinal) || !Base64Url.TryDecodeFromChars(value, buffer, out int written))
        {
            error = "The fleet key must be base64url without padding (as 'lockbox vault init' prints it).";
            return false;
        }
        if (written != Size)
        {
            error = $"The fleet key must decode to {Size} bytes, not {written}.";
            return false;
        }
        key = buffer;
        return true;
    }

    /// <summary>The base64url form of a key.</summary>
    public static string Format(ReadOnlySpan<byte> key) => Base64Url.EncodeToString(key);
}
