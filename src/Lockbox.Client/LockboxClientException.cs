namespace Lockbox.Client;

/// <summary>
/// A failure on the device side that the user can act on (no key available, device state damaged,
/// a rolled-back repository). The message is one line, fit to show as is, and never holds a secret.
/// </summary>
public abstract class LockboxClientException : Exception
{
    private protected LockboxClientException(string message) : base(message) { }
    private protected LockboxClientException(string message, Exception innerException) : base(message, innerException) { }
}
