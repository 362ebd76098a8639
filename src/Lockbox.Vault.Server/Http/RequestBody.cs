using System.Buffers.Text;
using System.Text.Json;
using Lockbox.Vault.Protocol;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;

namespace Lockbox.Vault.Server.Http;

/// <summary>Reads untrusted request bodies: JSON only, size-capped, byte fields base64url of an exact length.</summary>
internal static class RequestBody
{
    public const int MaxBytes = 16 * 1024;

    /// <summary>
    /// The body read by the framework's JSON reader into the typed record <typeparamref name="T"/>, or an
    /// error result (415 not JSON, 413 over <see cref="MaxBytes"/>, 400 malformed). The size limit is the
    /// server's: this request's maximum body size is set to <see cref="MaxBytes"/> before the first read,
    /// so Kestrel itself stops reading past it, whatever Content-Length claims.
    /// </summary>
    public static async Task<(T? Body, IResult? Error)> ReadAsync<T>(HttpContext context) where T : class
    {
        HttpRequest request = context.Request;
        if (!request.HasJsonContentType())
            return (null, ApiErrors.Of(StatusCodes.Status415UnsupportedMediaType, "unsupported_media_type", "Request body must be JSON (Content-Type: application/json)."));
        if (context.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } limit) limit.MaxRequestBodySize = MaxBytes;
        if (request.ContentLength > MaxBytes)
            return (null, TooLarge());
        try
        {
            T? body = await request.ReadFromJsonAsync<T>(VaultJson.Options, context.RequestAborted).ConfigureAwait(false);
            return body is null ? (null, ApiErrors.BadRequest("malformed_json", "Request body must be a JSON object.")) : (body, null);
        }
        catch (JsonException)
        {
            return (null, ApiErrors.BadRequest("malformed_json", "Request body is not valid JSON for this endpoint."));
        }
        catch (BadHttpRequestException e) when (e.StatusCode == StatusCodes.Status413PayloadTooLarge)
        {
            return (null, TooLarge());
        }
    }

    private static IResult TooLarge() =>
        ApiErrors.Of(StatusCodes.Status413PayloadTooLarge, "body_too_large", $"Request body exceeds {MaxBytes} bytes.");

    /// <summary>Decodes a required base64url (no padding) field of exactly <paramref name="length"/> bytes.</summary>
    public static bool TryField(string? value, string name, int length, out byte[] bytes, out IResult? error)
    {
        bytes = [];
        error = null;
        if (value is null)
        {
            error = ApiErrors.BadRequest("missing_field", $"Field '{name}' is required.");
            return false;
        }
        if (value.Length > MaxBytes || value.Contains('=', StringComparison.Ordinal))
        {
            error = ApiErrors.BadRequest("invalid_field", $"Field '{name}' must be base64url without padding ('=') of {length} bytes.");
            return false;
        }
        byte[] buffer = new byte[Base64Url.GetMaxDecodedLength(value.Length)];
        if (Base64Url.DecodeFromChars(value, buffer, out int consumed, out int written) != System.Buffers.OperationStatus.Done || consumed != value.Length)
        {
            error = ApiErrors.BadRequest("invalid_base64url", $"Field '{name}' is not valid base64url (alphabet A-Z a-z 0-9 - _, no padding).");
            return false;
        }
        if (written != length)
        {
            error = ApiErrors.BadRequest("invalid_length", $"Field '{name}' must decode to {length} bytes, not {written}.");
            return false;
        }
        bytes = buffer.AsSpan(0, written).ToArray();
        return true;
    }

    public static string Encode(ReadOnlySpan<byte> bytes) => Base64Url.EncodeToString(bytes);
}
