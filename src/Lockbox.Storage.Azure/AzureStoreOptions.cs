using Lockbox.Repository.Storage;
using Lockbox.Storage.Resilience;

namespace Lockbox.Storage.Azure;

/// <summary>
/// Where an Azure Blob repository lives and how to reach it: a container, a prefix inside it, and
/// the storage connection string (by convention in <c>AZURE_STORAGE_CONNECTION_STRING</c>). The
/// connection string holds the account key: it never appears in <see cref="ToString"/> or in any message.
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

    public string Container { get; }

    /// <summary>The folder inside the container, without leading or trailing slash ("" for the container's root).</summary>
    public string Prefix { get; }

    internal string ConnectionString { get; }

    public ResilienceOptions Resilience { get; init; } = ResilienceOptions.Default;

    public int SingleUploadThreshold { get; init; } = DefaultSingleUploadThreshold;

    public int BlockSize { get; init; } = DefaultBlockSize;

    /// <summary>Replaces the HTTP handler, so tests can drop or fail chosen requests.</summary>
    internal Func<HttpMessageHandler>? HttpHandlerFactory { get; init; }

    /// <summary>
    /// Reads <c>AZURE_STORAGE_CONNECTION_STRING</c> from <paramref name="environment"/> (the app's configuration; the CLI
    /// passes the process environment) for a repository at <c>azure://container/prefix</c>.
    /// </summary>
    /// <exception cref="BlobStoreException">The connection string is not set.</exception>
    public static AzureStoreOptions FromEnvironment(string container, string prefix, Func<string, string?> environment)
    {
        ArgumentNullException.ThrowIfNull(environment);
        var connectionString = environment("AZURE_STORAGE_CONNECTION_STRING");
        if (string.IsNullOrWhiteSpace(connectionString))
        {
            throw new BlobStoreException($"No Azure credentials for azure://{container}: set AZURE_STORAGE_CONNECTION_STRING.");
        }
        return new AzureStoreOptions(container, prefix, connectionString.Trim());
    }

    /// <summary>The repository's address, never the connection string.</summary>
    public override string ToString() => $"azure://{Container}/{Prefix}";

    internal void Validate()
    {
        Resilience.Validate();
        ArgumentOutOfRangeException.ThrowIfLessThan(BlockSize, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(SingleUploadThreshold, 1);
    }
}
