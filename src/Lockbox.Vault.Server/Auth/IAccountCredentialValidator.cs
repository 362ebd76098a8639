namespace Lockbox.Vault.Server.Auth;

/// <summary>
/// Checks the app's account credential (the bearer token of every account request) and says which
/// account it stands for. Plug in the messaging app's own session check; the default is
/// <see cref="HmacTokenValidator"/>.
/// </summary>
public interface IAccountCredentialValidator
{
    /// <summary>The account id the credential proves, or null when it is malformed, forged or expired.</summary>
    ValueTask<string?> ValidateAsync(string credential, CancellationToken cancellationToken);
}
