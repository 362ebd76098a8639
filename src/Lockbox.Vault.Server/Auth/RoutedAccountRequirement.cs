using Microsoft.AspNetCore.Authorization;

namespace Lockbox.Vault.Server.Auth;

/// <summary>
/// The account policy's requirement: the routed <c>{accountId}</c> value (the very string the handler
/// passes to the command) obeys <see cref="AccountIds"/> and equals, ordinally, the authenticated
/// <see cref="BearerAccountHandler.AccountClaim"/>. Checked by <see cref="RoutedAccountHandler"/>.
/// </summary>
internal sealed class RoutedAccountRequirement : IAuthorizationRequirement
{
    public const string Policy = "lockbox-account";
    public const string RouteValue = "accountId";

    /// <summary>Failure reasons the result handler turns into 400 and 403.</summary>
    public const string InvalidAccountId = "invalid_account_id";
    public const string AccountMismatch = "account_mismatch";
}
