using System.Text.Json;

namespace Lockbox.Vault.Protocol;

/// <summary>
/// The JSON options both sides read and write vault bodies with: the web defaults (camelCase names, case-insensitive
/// reading, numbers only as numbers, nulls written), no trailing commas. The server writes its answers through
/// ASP.NET Core, whose defaults are these same web defaults.
/// </summary>
internal static class VaultJson
{
    /// <summary>Shared and never modified after this initialiser (options freeze on first use).</summary>
    public static readonly JsonSerializerOptions Options = new(JsonSerializerDefaults.Web) { AllowTrailingCommas = false };
}
