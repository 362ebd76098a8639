namespace Lockbox.WhatsApp;

/// <summary>Why a crypt15 file did not decrypt. Each has its own one-line message in <see cref="Crypt15Result.Error"/>.</summary>
public enum Crypt15Failure
{
    /// <summary>It decrypted.</summary>
    None = 0,

    /// <summary>The file ends before its header, tag or checksum.</summary>
    Truncated,

    /// <summary>The header is not a crypt15 header (bad length byte, bad protobuf, no 16-byte IV).</summary>
    Malformed,

    /// <summary>The MD5 trailer does not match: the file was damaged, truncated or altered.</summary>
    ChecksumMismatch,

    /// <summary>
    /// The key is not this backup's: the checksum matches but the GCM tag does not, or the key is of
    /// the other format's kind (crypt14 key file for a crypt15 file, or the reverse), or a crypt14 key
    /// file's server salt is not the backup's.
    /// </summary>
    WrongKey,

    /// <summary>Authenticated, but the content is neither a zlib stream nor a zip archive.</summary>
    BadPayload,
}
