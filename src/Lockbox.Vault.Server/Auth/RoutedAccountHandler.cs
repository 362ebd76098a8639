using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace Lockbox.Vault.Server.Auth;

/// <summary>
/// Compares the authenticated account with the account the matched route acts on. The route value is
/// what routing decoded from the path (so <c>%2561lice</c> is the string <c>%61lice</c>, which the account-id
/// rule refuses); it is never re-read from the raw path.
/// </summary>
internal sealed class RoutedAccountHandler : AuthorizationHandler<RoutedAccountRequirement>
{
    protected override Task HandleRequirementAsync(AuthorizationHandlerContext context, RoutedAccountRequirement requirement)
    {
        string? authenticated = context.User.FindFirst(BearerAccountHandler.AccountClaim)?.Value;
        if (authenticated is null) return Task.CompletedTask; // not authenticated: the policy's other requirement fails with a challenge
        if (context.Resource is not HttpContext http || http.GetRouteValue(RoutedAccountRequirement.RouteValue) is not string routed || !AccountIds.IsValid(routed))
        {
            context.Fail(new AuthorizationFailureReason(this, RoutedAccountRequirement.InvalidAccountId));
            return Task.CompletedTask;
        }
        if (string.Equals(authenticated, routed, StringComparison.Ordinal)) context.Succeed(requirement);
        else context.Fail(new AuthorizationFailureReason(this, RoutedAccountRequirement.AccountMismatch));
        return Task.CompletedTask;
    }
}
