using System.Security.Claims;
using System.Text.Encodings.Web;
using Microsoft.AspNetCore.Authentication;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Lockbox.Vault.Server.Auth;

/// <summary>
/// The vault's authentication scheme: <c>Authorization: Bearer &lt;credential&gt;</c>, checked by the pluggable
/// <see cref="IAccountCredentialValidator"/>. A valid credential becomes a principal with one
/// <see cref="AccountClaim"/> holding the account id the credential proves. It decides nothing about which
/// account a request may act on: that is <see cref="RoutedAccountRequirement"/>'s, on the matched route.
/// </summary>
internal sealed class BearerAccountHandler(
    IOptionsMonitor<AuthenticationSchemeOptions> options,
    ILoggerFactory logger,
    UrlEncoder encoder,
    IAccountCredentialValidator validator) : AuthenticationHandler<AuthenticationSchemeOptions>(options, logger, encoder)
{
    public const string SchemeName = "Bearer";

    /// <summary>The claim type of the authenticated account id.</summary>
    public const string AccountClaim = "lockbox:account";

    /// <summary>Set in <see cref="Microsoft.AspNetCore.Http.HttpContext.Items"/> when a credential was presented (so a 401 can say which kind).</summary>
    public const string PresentedItem = "lockbox.credential-presented";

    protected override async Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        string? header = Request.Headers.Authorization;
        if (string.IsNullOrEmpty(header)) return AuthenticateResult.NoResult();
        Context.Items[PresentedItem] = true;
        if (!header.StartsWith("Bearer ", StringComparison.Ordinal)) return AuthenticateResult.Fail("not a bearer credential");
        string credential = header["Bearer ".Length..].Trim();
        if (credential.Length == 0) return AuthenticateResult.Fail("empty bearer credential");
        string? account = await validator.ValidateAsync(credential, Context.RequestAborted).ConfigureAwait(false);
        if (account is null) return AuthenticateResult.Fail("invalid or expired credential");
        var identity = new ClaimsIdentity([new Claim(AccountClaim, account)], SchemeName, AccountClaim, null);
        return AuthenticateResult.Success(new AuthenticationTicket(new ClaimsPrincipal(identity), SchemeName));
    }
}
