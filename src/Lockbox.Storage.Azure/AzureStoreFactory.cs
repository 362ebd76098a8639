using Lockbox.Repository.Storage;
using Lockbox.Storage.Resilience;

namespace Lockbox.Storage.Azure;

/// <summary>
/// Opens <c>azure://container/prefix</c> addresses as <see cref="AzureBlobStore"/>s, with the connection string read
/// from <c>settings</c> (<c>AZURE_STORAGE_CONNECTION_STRING</c>) when a store is opened.
/// </summary>
public sealed class AzureStoreFactory : IBlobStoreFactory
{
    private readonly Func<string, string?> _settings;

    /// <param name="settings">Looks up a setting by its variable name (the CLI passes the process environment).</param>
    public AzureStoreFactory(Func<string, string?> settings)
    {
        ArgumentNullException.ThrowIfNull(settings);
        _settings = settings;
    }

    /// <summary>Retries, timeouts and parallelism of every store this factory opens; the app's <see cref="StoreLimits"/> apply on top.</summary>
    public ResilienceOptions Rules { get; init; } = ResilienceOptions.Default;

    public string Scheme => "azure";

    public string Form => "azure://container/prefix";

    public IBlobStore Open(StoreLocation location, StoreLimits limits)
    {
        ArgumentNullException.ThrowIfNull(location);
        ArgumentNullException.ThrowIfNull(limits);
        if (location.Root.Length == 0)
            throw new BlobStoreException($"The repository address names no container: expected {Form}.");
        if (!IsContainerName(location.Root))
            throw new BlobStoreException($"'{StoreLocation.Shorten(location.Root)}' is not a valid container name: 3 to 63 lowercase letters, digits and hyphens.");
        return new AzureBlobStore(AzureStoreOptions.FromEnvironment(location.Root, location.Prefix, _settings) with { Resilience = Rules.Within(limits) });
    }

    // 3–63 of a-z 0-9 -, starting and ending with a letter or digit, no double hyphen.
    private static bool IsContainerName(string name) =>
        name.Length is >= 3 and <= 63
        && name.All(c => c is (>= 'a' and <= 'z') or (>= '0' and <= '9') or '-')
        && char.IsAsciiLetterOrDigit(name[0]) && char.IsAsciiLetterOrDigit(name[^1])
        && !name.Contains("--", StringComparison.Ordinal);
}
