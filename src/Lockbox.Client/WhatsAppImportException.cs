using Lockbox.WhatsApp;

namespace Lockbox.Client;

/// <summary>
/// A WhatsApp backup could not be imported: it did not decrypt (<see cref="Failure"/> says why: wrong key, malformed,
/// truncated, ...), or it is a multi-file backup rather than a message database (<see cref="Failure"/> is
/// <see cref="Crypt15Failure.None"/>). Nothing was backed up, and nothing decrypted was left behind.
/// </summary>
public sealed class WhatsAppImportException : LockboxClientException
{
    public WhatsAppImportException(Crypt15Failure failure, string message) : base(message) => Failure = failure;

    /// <summary>Why the backup did not decrypt; <see cref="Crypt15Failure.None"/> when it decrypted but holds no message database.</summary>
    public Crypt15Failure Failure { get; }
}
