using System.Text.Json;
using Lockbox.Vault.Core;
using Microsoft.Extensions.Configuration;

namespace Lockbox.Vault.Server.Hosting;

/// <summary>
/// The standard .NET configuration of <c>lockbox vault serve</c>: an appsettings-style JSON file (<c>--config</c>),
/// then environment variables <c>LOCKBOX_VAULT__Key</c> (<c>__</c> for <c>:</c>), then the command line, each
/// overriding the one before. Keys: <c>Dir</c>, <c>Urls</c>, <c>MetricsUrls</c>, <c>PublicUrls</c> (array),
/// <c>TlsCert</c>, <c>TlsKey</c>, <c>AuditLog</c>, <c>ServiceName</c>, and the framework's own sections
/// <c>Kestrel</c> (endpoints and certificates) and <c>Logging</c> (log levels). Secrets do not belong here: the PIN
/// stays in LOCKBOX_HSM_PIN, keys in files.
/// </summary>
public static class VaultServeConfiguration
{
    public const string EnvironmentPrefix = "LOCKBOX_VAULT__";

    /// <param name="file">The JSON file, or null for none.</param>
    /// <param name="commandLine">The values the command line gave explicitly (they win).</param>
    public static IConfiguration Build(string? file, IReadOnlyDictionary<string, string?> commandLine)
    {
        ArgumentNullException.ThrowIfNull(commandLine);
        var builder = new ConfigurationBuilder();
        if (file is not null)
        {
            string full = Path.GetFullPath(file);
            if (!File.Exists(full)) throw new VaultConfigurationException($"The configuration file {file} does not exist.");
            builder.AddJsonFile(full, optional: false, reloadOnChange: false);
        }
        builder.AddEnvironmentVariables(EnvironmentPrefix);
        builder.AddInMemoryCollection(commandLine);
        try
        {
            return builder.Build();
        }
        catch (Exception e) when (e is InvalidDataException or FormatException or JsonException)
        {
            throw new VaultConfigurationException($"The configuration file {file} is not valid JSON ({e.GetBaseException().Message.Split('\n')[0].Trim()}).");
        }
    }

    /// <summary>True when the configuration names Kestrel endpoints (they replace <c>Urls</c>).</summary>
    public static bool HasKestrelEndpoints(IConfiguration? configuration) =>
        configuration?.GetSection("Kestrel:Endpoints").GetChildren().Any() == true;
}
