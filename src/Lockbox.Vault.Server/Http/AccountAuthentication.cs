using Lockbox.Vault.Server.Auth;
using Lockbox.Vault.Server.Hosting;
using Microsoft.AspNetCore.Http;

namespace Lockbox.Vault.Server.Http;

/// <summary>
/// Runs before routing to any <c>/v1/accounts/{accountId}/...</c> endpoint: the account id must be well
/// formed (400), the bearer credential valid (401) and bound to that same account (403). The checked
/// account id is left in <see cref="HttpContext.Items"/> for the per-account rate limiter.
/// </summary>
internal sealed class AccountAuthentication(RequestDelegate next, IAccountCredentialValidator validator, VaultMetrics metrics)
{
    public const string AccountItem = "lockbox.account";
    private const string Prefix = "/v1/accounts/";

    public async Task InvokeAsync(HttpContext context)
    {
        string path = context.Request.Path.Value ?? "";
        if (!path.StartsWith(Prefix, StringComparison.Ordinal))
        {
            await next(context).ConfigureAwait(false);
            return;
        }
        string rest = path[Prefix.Length..];
        int slash = rest.IndexOf('/', StringComparison.Ordinal);
        string accountId = Uri.UnescapeDataString(slash < 0 ? rest : rest[..slash]);
        if (!AccountIds.IsValid(accountId))
        {
            metrics.Rejected.Add(1, new KeyValuePair<string, object?>("reason", "invalid_account_id"));
            await ApiErrors.WriteAsync(context, StatusCodes.Status400BadRequest, "invalid_account_id", "The " + AccountIds.Rule + ".").ConfigureAwait(false);
            return;
        }

        string? header = context.Request.Headers.Authorization;
        string? credential = header is not null && header.StartsWith("Bearer ", StringComparison.Ordinal) ? header["Bearer ".Length..].Trim() : null;
        string? authenticated = string.IsNullOrEmpty(credential) ? null : await validator.ValidateAsync(credential, context.RequestAborted).ConfigureAwait(false);
        if (authenticated is null)
        {
            metrics.Rejected.Add(1, new KeyValuePair<string, object?>("reason", "unauthorized"));
            context.Response.Headers.WWWAuthenticate = "Bearer";
            string message = credential is null
                ? "Missing account credential (Authorization: Bearer <token>)."
                : "The account credential is invalid or expired.";
            await ApiErrors.WriteAsync(context, StatusCodes.Status401Unauthorized, "unauthorized", message).ConfigureAwait(false);
            return;
        }
        if (!string.Equals(authenticated, accountId, StringComparison.Ordinal))
        {
            metrics.Rejected.Add(1, new KeyValuePair<string, object?>("reason", "account_mismatch"));
            await ApiErrors.WriteAsync(context, StatusCodes.Status403Forbidden, "account_mismatch", "The account credential is for another account.").ConfigureAwait(false);
            return;
        }
        context.Items[AccountItem] = accountId;
        await next(context).ConfigureAwait(false);
    }
}
