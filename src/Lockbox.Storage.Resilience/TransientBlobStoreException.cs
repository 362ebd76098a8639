using Lockbox.Repository.Storage;

namespace Lockbox.Storage.Resilience;

/// <summary>
/// A store request failed in a way that may succeed when tried again: a timeout, a 5xx answer,
/// throttling, a dropped or refused connection. <see cref="StoreResilience"/> retries these;
/// once it gives up it throws a plain <see cref="BlobStoreException"/>, so an outer layer never
/// multiplies the retries.
/// </summary>
public sealed class TransientBlobStoreException : BlobStoreException
{
    public TransientBlobStoreException(string message) : base(message) { }

    public TransientBlobStoreException(string message, Exception innerException) : base(message, innerException) { }
}
