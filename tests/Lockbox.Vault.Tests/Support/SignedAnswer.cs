using System.Buffers.Text;
using System.Text;
using Lockbox.Cryptography;
using Lockbox.Cryptography.Sodium;

namespace Lockbox.Vault.Tests.Support;

/// <summary>Checks a raw answer (<see cref="RawHttp"/>) against the fleet key, as a device would: the signed transcript of docs/VAULT-API.md.</summary>
internal static class SignedAnswer
{
    /// <param name="body">Checks this body in place of the one received (to show an altered answer fails).</param>
    public static bool Verify(byte[] fleetKey, string endpoint, string account, string sent, RawHttp.Response response, string? body = null)
    {
        string? header = response.Headers.Split("\r\n").FirstOrDefault(h => h.StartsWith(VaultSigning.SignatureHeader + ":", StringComparison.OrdinalIgnoreCase));
        if (header is null) return false;
        byte[] signature = Base64Url.DecodeFromChars(header[(header.IndexOf(':', StringComparison.Ordinal) + 1)..].Trim());
        byte[] transcript = VaultSigning.Transcript(endpoint, account, Encoding.UTF8.GetBytes(sent), response.Status, Encoding.UTF8.GetBytes(body ?? Body(response)));
        return Ed25519.Verify(fleetKey, transcript, signature);
    }

    /// <summary>The body as sent, with HTTP/1.1 chunked framing removed.</summary>
    public static string Body(RawHttp.Response response)
    {
        if (!response.Headers.Contains("Transfer-Encoding: chunked", StringComparison.OrdinalIgnoreCase)) return response.Body;
        var body = new StringBuilder();
        string rest = response.Body;
        while (true)
        {
            int line = rest.IndexOf("\r\n", StringComparison.Ordinal);
            int size = int.Parse(rest[..line], System.Globalization.NumberStyles.HexNumber, System.Globalization.CultureInfo.InvariantCulture);
            if (size == 0) return body.ToString();
            body.Append(rest, line + 2, size);
            rest = rest[(line + 2 + size + 2)..];
        }
    }
}
