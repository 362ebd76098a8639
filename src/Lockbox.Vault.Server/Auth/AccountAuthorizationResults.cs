using Lockbox.Vault.Server.Hosting;
using Lockbox.Vault.Server.Http;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Authorization.Policy;
using Microsoft.AspNetCore.Http;

namespace Lockbox.Vault.Server.Auth;

/// <summary>
/// Turns a refused authorization into the API's errors, counted in <c>lockbox_vault_requests_rejected</c>:
/// not authenticated → 401 <c>unauthorized</c> with <c>WWW-Authenticate: Bearer</c>; routed account id
/// against the rule → 400 <c>invalid_account_id</c>; another account's credential → 403 <c>account_mismatch</c>.
/// A refused request never reaches an endpoint's handler.
/// </summary>
internal sealed class AccountAuthorizationResults(VaultMetrics metrics) : IAuthorizationMiddlewareResultHandler
{
    public Task HandleAsync(RequestDelegate next, HttpContext context, AuthorizationPolicy policy, PolicyAuthorizationResult authorizeResult)
    {
        if (authorizeResult.Succeeded) return next(context);
        if (authorizeResult.Challenged || !(context.User.Identity?.IsAuthenticated ?? false))
        {
            Count("unauthorized");
            context.Response.Headers.WWWAuthenticate = "Bearer";
            string message = context.Items.ContainsKey(BearerAccountHandler.PresentedItem)
                ? "The account credential is invalid or expired."
                : "Missing account credential (Authorization: Bearer <token>).";
            return ApiErrors.WriteAsync(context, StatusCodes.Status401Unauthorized, "unauthorized", message);
        }
        bool invalidId = authorizeResult.AuthorizationFailure?.FailureReasons
            .Any(r => r.Message == RoutedAccountRequirement.InvalidAccountId) ?? false;
        if (invalidId)
        {
            Count("invalid_account_id");
            return ApiErrors.WriteAsync(context, StatusCodes.Status400BadRequest, "invalid_account_id", "The " + AccountIds.Rule + ".");
        }
        Count("account_mismatch");
        return ApiErrors.WriteAsync(context, StatusCodes.Status403Forbidden, "account_mismatch", "The account credential is for another account.");
    }

    private void Count(string reason) => metrics.Rejected.Add(1, new KeyValuePair<string, object?>("reason", reason));
}
