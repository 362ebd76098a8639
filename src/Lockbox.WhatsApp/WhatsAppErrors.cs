namespace Lockbox.WhatsApp;

/// <summary>Every message the WhatsApp reader and key parser give: one line each, never key bytes.</summary>
internal static class WhatsAppErrors
{
    public const string KeyFileNotJava =
        "The key file is not an Android encrypted_backup.key: it does not start with a Java serialization header (AC ED).";

    public const string KeyFileTruncated =
        "The key file is truncated: it ends before the 32 key bytes it announces.";

    public static string KeyFileNotByteArray(int offset) =>
        $"The key file is a Java-serialized object but not a byte array (unexpected byte at offset {offset}).";

    public static string KeyFileWrongSize(int found) =>
        $"The key file holds a {found}-byte key: neither a crypt15 encrypted_backup.key (32 bytes) nor a crypt14 'key' file (131 bytes).";

    public const string KeyFileCipherVersion =
        "The crypt14 key file has an unknown cipher version (expected 00 01).";

    public static string KeyFileTrailingBytes(int extra) =>
        $"The key file has {extra} unexpected bytes after the key.";

    public const string Truncated =
        "The file is truncated: it ends before the crypt15 header, GCM tag and MD5 checksum.";

    public static string Malformed(string detail) =>
        $"Not a crypt15 backup: the header is malformed ({detail}).";

    public const string Crypt14NeedsKeyFile =
        "This is a crypt14 backup: it opens only with the phone's crypt14 'key' file (158 bytes), not a 64-digit key or encrypted_backup.key.";

    public const string Crypt15NeedsRootKey =
        "This is a crypt15 backup: it opens with its 64-digit key or encrypted_backup.key, not a crypt14 'key' file.";

    public const string Crypt14OtherKeyFile =
        "Wrong key: this crypt14 key file belongs to another backup (its server salt differs from the backup's).";

    public const string ChecksumMismatch =
        "The file is damaged, truncated or altered: its MD5 checksum does not match.";

    public const string WrongKey =
        "Wrong key: this backup does not decrypt with the key given (the AES-GCM tag does not verify).";

    public static string BadPayload(string detail) =>
        $"The backup decrypted but its content is unreadable ({detail}).";
}
