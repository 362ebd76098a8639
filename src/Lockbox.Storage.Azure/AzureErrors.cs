using System.Net.Sockets;
using Azure;
using Azure.Identity;
using Lockbox.Repository.Storage;
using Lockbox.Storage.Resilience;

namespace Lockbox.Storage.Azure;

/// <summary>
/// Turns what the Azure SDK throws into the store contract's exceptions. Messages name the account,
/// container and endpoint, never the key.
/// </summary>
internal sealed class AzureErrors(string account, string endpoint, string container, AzureAuthentication authentication)
{
    private readonly string _where = $"Azure Blob account '{account}' at {endpoint}";

    private readonly string _check = authentication switch
    {
        AzureAuthentication.SharedAccessSignature => "check the SAS in AZURE_STORAGE_ACCOUNT_URL / AZURE_STORAGE_SAS_TOKEN (permissions, expiry)",
        AzureAuthentication.DefaultAzureCredential => "check the identity DefaultAzureCredential signed in with and its role on the account (Storage Blob Data Contributor)",
        _ => "check AZURE_STORAGE_CONNECTION_STRING",
    };

    public Exception Map(Exception e, string? name)
    {
        if (e is BlobStoreException or OperationCanceledException)
        {
            return e;
        }
        if (e is RequestFailedException { Status: not 0 } failed)
        {
            return MapService(failed, name);
        }
        if (e is AuthenticationFailedException)
        {
            // CredentialUnavailableException included: no source of DefaultAzureCredential had an identity.
            return new BlobStoreException($"No Azure sign-in for {_where}: DefaultAzureCredential found no usable identity (AZURE_CLIENT_ID/AZURE_TENANT_ID/AZURE_CLIENT_SECRET, workload or managed identity, Azure CLI or azd sign-in): {FirstLine(e.Message)}", e);
        }
        if (FindNetworkCause(e) is { } network)
        {
            return new TransientBlobStoreException($"Cannot reach {_where}: {FirstLine(network.Message)}", e);
        }
        if (e is IOException)
        {
            return new TransientBlobStoreException($"The connection to {_where} broke: {FirstLine(e.Message)}", e);
        }
        return new BlobStoreException($"{_where} request failed: {FirstLine(e.Message)}", e);
    }

    private Exception MapService(RequestFailedException e, string? name)
    {
        var code = e.ErrorCode;
        switch (code)
        {
            case "ContainerNotFound" or "ContainerBeingDeleted":
                return new BlobStoreException($"The container '{container}' does not exist in {_where}.", e);
            case "BlobNotFound" when name is not null:
                return new BlobNotFoundException(name);
            case "AuthenticationFailed" or "AuthorizationFailure" or "AuthorizationPermissionMismatch" or "InvalidAuthenticationInfo" or "AccountIsDisabled":
                return new BlobStoreException($"{_where} refused the credentials ({code}): {_check}.", e);
            case "ServerBusy" or "InternalError" or "OperationTimedOut":
                return new TransientBlobStoreException($"{_where} answered {e.Status} {code}.", e);
            default:
                break;
        }
        if (e.Status == 404 && name is not null)
        {
            return new BlobNotFoundException(name);
        }
        if (e.Status == 403)
        {
            return new BlobStoreException($"{_where} denied access to container '{container}': {_check}.", e);
        }
        if (e.Status is >= 500 or 429 or 408)
        {
            return new TransientBlobStoreException($"{_where} answered {e.Status} {code}.", e);
        }
        return new BlobStoreException($"{_where} refused a request on container '{container}': {e.Status} {code}.", e);
    }

    private static Exception? FindNetworkCause(Exception e)
    {
        for (Exception? x = e; x is not null; x = x.InnerException)
        {
            if (x is SocketException or HttpRequestException)
            {
                return x.InnerException is SocketException socket ? socket : x;
            }
        }
        return null;
    }

    private static string FirstLine(string message)
    {
        var end = message.AsSpan().IndexOfAny('\r', '\n');
        return end < 0 ? message : message[..end];
    }
}
