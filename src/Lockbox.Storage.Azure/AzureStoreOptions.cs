using Lockbox.Repository.Storage;
using Lockbox.Storage.Resilience;

namespace Lockbox.Storage.Azure;

/// <summary>
/// Where an Azure Blob repository lives and how to reach it: a container, a prefix inside it, and either a storage
/// connection string (by convention in <c>AZURE_STORAGE_CONNECTION_STRING</c>) or an account URL
/// (<c>AZURE_STORAGE_ACCOUNT_URL</c>) with a SAS in its query, or without one for Azure.Identity's
/// <c>DefaultAzureCredential</c>. Neither the connection string nor the SAS ever appears in <see cref="ToString"/> or in any message.
/// </summary>
public sealed record AzureStoreOptions
{
    /// <summary>Objects up to this size go up in one Put Blob; larger ones as staged blocks.</summary>
    public const int DefaultSingleUploadThreshold = 16 * 1024 * 1024;

    /// <summary>The size of a staged block.</summary>
    public const int DefaultBlockSize = 8 * 1024 * 1024;

    public AzureStoreOptions(string container, string prefix, string connectionString)
    {
        ArgumentException.ThrowIfNullOrEmpty(container);
        ArgumentNullException.ThrowIfNull(prefix);
        ArgumentException.ThrowIfNullOrEmpty(connectionString);
        Container = container;
        Prefix = prefix.Trim('/');
        ConnectionString = connectionString;
    }

    /// <summary>
    /// A repository reached through the blob service's account URL (<c>https://account.blob.core.windows.net</c>): with a
    /// shared access signature in its query, or else signed in through Azure.Identity's <c>DefaultAzureCredential</c>,
    /// which needs https.
    /// </summary>
    /// <exception cref="BlobStoreException">The URL is not http(s), or is plain http without a SAS.</exception>
    public AzureStoreOptions(string container, string prefix, Uri accountUrl)
    {
        ArgumentException.ThrowIfNullOrEmpty(container);
        ArgumentNullException.ThrowIfNull(prefix);
        ArgumentNullException.ThrowIfNull(accountUrl);
        if (!accountUrl.IsAbsoluteUri || (accountUrl.Scheme != Uri.UriSchemeHttps && accountUrl.Scheme != Uri.UriSchemeHttp))
        {
            throw new BlobStoreException("AZURE_STORAGE_ACCOUNT_URL is not an http(s) URL.");
        }
        var hasSas = accountUrl.Query.Contains("sig=", StringComparison.OrdinalIgnoreCase);
        if (!hasSas && accountUrl.Scheme != Uri.UriSchemeHttps)
        {
            throw new BlobStoreException($"The Azure account URL {accountUrl.GetLeftPart(UriPartial.Authority)} has no SAS: signing in (DefaultAzureCredential) needs https.");
        }
        Container = container;
        Prefix = prefix.Trim('/');
        AccountUrl = accountUrl;
        Authentication = hasSas ? AzureAuthentication.SharedAccessSignature : AzureAuthentication.DefaultAzureCredential;
    }

    public string Container { get; }

    /// <summary>The folder inside the container, without leading or trailing slash ("" for the container's root).</summary>
    public string Prefix { get; }

    internal string? ConnectionString { get; }

    /// <summary>The account URL, its SAS included (a secret: never in a message).</summary>
    internal Uri? AccountUrl { get; }

    internal AzureAuthentication Authentication { get; } = AzureAuthentication.ConnectionString;

    public ResilienceOptions Resilience { get; init; } = ResilienceOptions.Default;

    public int SingleUploadThreshold { get; init; } = DefaultSingleUploadThreshold;

    public int BlockSize { get; init; } = DefaultBlockSize;

    /// <summary>Replaces the HTTP handler, so tests can drop or fail chosen requests.</summary>
    internal Func<HttpMessageHandler>? HttpHandlerFactory { get; init; }

    /// <summary>
    /// Reads the Azure settings for a repository at <c>azure://container/prefix</c> from <paramref name="environment"/> (the
    /// app's configuration; the CLI passes the process environment): <c>AZURE_STORAGE_CONNECTION_STRING</c>; else
    /// <c>AZURE_STORAGE_ACCOUNT_URL</c> (or the account name in <c>AZURE_STORAGE_ACCOUNT</c>, for
    /// <c>https://NAME.blob.core.windows.net</c>) with the SAS in its query or in <c>AZURE_STORAGE_SAS_TOKEN</c>, or
    /// without a SAS for <c>DefaultAzureCredential</c>.
    /// </summary>
    /// <exception cref="BlobStoreException">None of them is set, or the URL is malformed.</exception>
    public static AzureStoreOptions FromEnvironment(string container, string prefix, Func<string, string?> environment)
    {
        ArgumentNullException.ThrowIfNull(environment);
        if (NonEmpty(environment("AZURE_STORAGE_CONNECTION_STRING")) is { } connectionString)
        {
            return new AzureStoreOptions(container, prefix, connectionString);
        }
        var urlText = NonEmpty(environment("AZURE_STORAGE_ACCOUNT_URL"));
        if (urlText is null && NonEmpty(environment("AZURE_STORAGE_ACCOUNT")) is { } account)
        {
            if (!account.All(c => char.IsAsciiLetterLower(c) || char.IsAsciiDigit(c)))
            {
                throw new BlobStoreException("AZURE_STORAGE_ACCOUNT is not a storage account name (lowercase letters and digits).");
            }
            urlText = $"https://{account}.blob.core.windows.net";
        }
        if (urlText is null)
        {
            throw new BlobStoreException($"No Azure credentials for azure://{container}: set AZURE_STORAGE_CONNECTION_STRING, or AZURE_STORAGE_ACCOUNT_URL (with a SAS, or signed in for DefaultAzureCredential).");
        }
        if (!Uri.TryCreate(urlText, UriKind.Absolute, out var url))
        {
            throw new BlobStoreException("AZURE_STORAGE_ACCOUNT_URL is not an http(s) URL.");
        }
        if (url.Query.Length == 0 && NonEmpty(environment("AZURE_STORAGE_SAS_TOKEN")) is { } sas)
        {
            url = new UriBuilder(url) { Query = sas.TrimStart('?') }.Uri;
        }
        return new AzureStoreOptions(container, prefix, url);
    }

    private static string? NonEmpty(string? value) => string.IsNullOrWhiteSpace(value) ? null : value.Trim();

    /// <summary>The repository's address, never the connection string.</summary>
    public override string ToString() => $"azure://{Container}/{Prefix}";

    internal void Validate()
    {
        Resilience.Validate();
        ArgumentOutOfRangeException.ThrowIfLessThan(BlockSize, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(SingleUploadThreshold, 1);
    }
}
