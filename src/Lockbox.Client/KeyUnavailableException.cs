namespace Lockbox.Client;

/// <summary>
/// No backup key is available: this device holds none, <c>LOCKBOX_KEY</c> is not set and no prompt
/// can be shown; or the key given was malformed (the message says what is wrong with it).
/// </summary>
public sealed class KeyUnavailableException : LockboxClientException
{
    public KeyUnavailableException(string message) : base(message) { }
}
