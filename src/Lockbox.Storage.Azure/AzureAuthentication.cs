namespace Lockbox.Storage.Azure;

/// <summary>How an Azure Blob store proves who it is.</summary>
internal enum AzureAuthentication
{
    /// <summary>A storage connection string (account key or SAS inside).</summary>
    ConnectionString,

    /// <summary>An account URL carrying a shared access signature in its query.</summary>
    SharedAccessSignature,

    /// <summary>An https account URL and Azure.Identity's <c>DefaultAzureCredential</c> (environment, workload or managed identity, developer sign-in).</summary>
    DefaultAzureCredential,
}
