namespace Lockbox.Client;

/// <summary>
/// No backup key is available (<see cref="Malformed"/> false): this device holds none and the app gave none; or the
/// key given was malformed (<see cref="Malformed"/> true; the message says what is wrong with it, never the key).
/// </summary>
public sealed class KeyUnavailableException : LockboxClientException
{
    public KeyUnavailableException(string message, bool malformed = false) : base(message) => Malformed = malformed;

    /// <summary>True when a key was given but is not 64 hex digits; false when there is no key at all.</summary>
    public bool Malformed { get; }
}
