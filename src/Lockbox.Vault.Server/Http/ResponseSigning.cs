using System.Buffers.Text;
using Lockbox.Cryptography;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace Lockbox.Vault.Server.Http;

/// <summary>
/// Signs every answer of an endpoint marked <see cref="SignedEndpoint"/> (docs/VAULT-API.md, "Signed answers"):
/// placed after routing and before authentication and rate limiting, it buffers the request body (capped
/// at <see cref="RequestBody.MaxBytes"/>), buffers the response, and adds
/// <c>Lockbox-Signature: base64url(Ed25519(fleet_sk, T))</c> over (endpoint, routed account, request bytes,
/// status, response bytes). Errors from authentication, rate limiting and the handlers, and an unhandled
/// exception (as a 500), are signed the same way, so the device can tell every genuine answer from a forged one.
/// </summary>
internal sealed class ResponseSigning(RequestDelegate next, FleetSigningKey key, ILogger<ResponseSigning> logger)
{
    public async Task InvokeAsync(HttpContext context)
    {
        SignedEndpoint? signed = context.GetEndpoint()?.Metadata.GetMetadata<SignedEndpoint>();
        if (signed is null)
        {
            await next(context).ConfigureAwait(false);
            return;
        }

        byte[]? request = await ReadCappedAsync(context).ConfigureAwait(false);
        string account = context.Request.RouteValues.TryGetValue("accountId", out object? value) && value is string s ? s : "";
        Stream original = context.Response.Body;
        using var buffer = new MemoryStream();
        context.Response.Body = buffer;
        try
        {
            if (request is null)
            {
                context.Response.Headers.Connection = "close"; // the unread rest of the body makes the connection unusable
                await ApiErrors.WriteAsync(context, StatusCodes.Status413PayloadTooLarge, "body_too_large", $"Request body exceeds {RequestBody.MaxBytes} bytes.").ConfigureAwait(false);
                request = [];
            }
            else
            {
                context.Request.Body = new MemoryStream(request, writable: false);
                try
                {
                    await next(context).ConfigureAwait(false);
                }
                catch (Exception e) when (e is not OperationCanceledException)
                {
                    logger.LogError(e, "Unhandled failure on {Endpoint}", signed.Name);
                    buffer.SetLength(0);
                    context.Response.Headers.Clear();
                    await ApiErrors.WriteAsync(context, StatusCodes.Status500InternalServerError, "internal",
                        "The vault failed to handle this request; only what was already acknowledged is durable. Retry later.").ConfigureAwait(false);
                }
            }
        }
        finally
        {
            context.Response.Body = original;
        }

        byte[] body = buffer.ToArray();
        byte[] signature = key.Sign(VaultSigning.Transcript(signed.Name, account, request, context.Response.StatusCode, body));
        context.Response.Headers[VaultSigning.SignatureHeader] = Base64Url.EncodeToString(signature);
        await original.WriteAsync(body, context.RequestAborted).ConfigureAwait(false);
    }

    /// <summary>The whole request body, or null when it exceeds the cap.</summary>
    private static async Task<byte[]?> ReadCappedAsync(HttpContext context)
    {
        if (context.Request.ContentLength > RequestBody.MaxBytes) return null;
        using var copy = new MemoryStream();
        byte[] chunk = new byte[4096];
        int read;
        try
        {
            while ((read = await context.Request.Body.ReadAsync(chunk, context.RequestAborted).ConfigureAwait(false)) > 0)
            {
                if (copy.Length + read > RequestBody.MaxBytes) return null;
                copy.Write(chunk, 0, read);
            }
        }
        catch (BadHttpRequestException e) when (e.StatusCode == StatusCodes.Status413PayloadTooLarge)
        {
            return null;
        }
        return copy.ToArray();
    }
}
