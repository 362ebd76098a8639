using Lockbox.Vault.Protocol;
using Microsoft.AspNetCore.Http;

namespace Lockbox.Vault.Server.Http;

/// <summary>
/// Refuses a request for an account another group of the fleet serves (docs/VAULT-API.md, "Fleet map"):
/// <c>421 wrong_group</c> with the map version and the serving group, signed like every answer. It runs right
/// after <see cref="ResponseSigning"/> — before authentication, rate limits, any command, HSM call or counted guess —
/// so a device (or an attacker with a valid token) cannot read, enrol or burn an account through the wrong group,
/// whose state machine would otherwise hold a second, empty record for it.
/// </summary>
internal sealed class GroupGuard(RequestDelegate next, FleetRouting routing)
{
    public Task InvokeAsync(HttpContext context)
    {
        if (context.Request.RouteValues.TryGetValue("accountId", out object? value) && value is string account && !routing.Serves(account))
        {
            FleetMap map = routing.Map;
            Microsoft.AspNetCore.Mvc.ProblemDetails problem = ApiErrors.Problem(StatusCodes.Status421MisdirectedRequest, VaultErrorCodes.WrongGroup,
                $"This node belongs to group {routing.Group}; fleet map version {map.Version} places this account in group {routing.GroupOf(account)}. Nothing was done.");
            problem.Extensions["fleetVersion"] = map.Version;
            problem.Extensions["group"] = routing.GroupOf(account);
            return Results.Problem(problem).ExecuteAsync(context);
        }
        return next(context);
    }
}
