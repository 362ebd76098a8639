using System.Text.RegularExpressions;

namespace Lockbox.Vault.Server.Auth;

/// <summary>Account ids: 1–128 characters of A–Z a–z 0–9 and <c>. _ - @ +</c>; the OPAQUE credential identifier is their UTF-8.</summary>
public static partial class AccountIds
{
    public const int MaxLength = 128;
    public const string Rule = "account id must be 1 to 128 characters of A-Z, a-z, 0-9, '.', '_', '-', '@', '+'";

    public static bool IsValid(string? accountId) => accountId is { Length: > 0 and <= MaxLength } && Pattern().IsMatch(accountId);

    [GeneratedRegex("^[A-Za-z0-9._@+-]+$", RegexOptions.CultureInvariant)]
    private static partial Regex Pattern();
}
