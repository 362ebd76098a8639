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

    /// <summary>A crypt14 (or older) file: a different format.</summary>
    Unsupported,

    /// <summary>The MD5 trailer does not match: the file was damaged, truncated or altered.</summary>
    ChecksumMismatch,

    /// <summary>The checksum matches but the GCM tag does not: the key is not this backup's.</summary>
    WrongKey,

    /// <summary>Authenticated, but the content is neither a zlib stream nor a zip archive.</summary>
    BadPayload,
}
