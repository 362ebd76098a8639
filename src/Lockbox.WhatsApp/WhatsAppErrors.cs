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

    public static string KeyFileWrongSize(int found, int expected) =>
        $"The key file holds a {found}-byte key, not {expected} bytes: it is not a crypt15 encrypted_backup.key (a crypt14 'key' file holds 131).";

    public static string KeyFileTrailingBytes(int extra) =>
        $"The key file has {extra} unexpected bytes after the key.";

    public const string Truncated =
        "The file is truncated: it ends before the crypt15 header, GCM tag and MD5 checksum.";

    public static string Malformed(string detail) =>
        $"Not a crypt15 backup: the header is malformed ({detail}).";

    public const string Crypt14 =
        "This is a crypt14 (or older) backup, not crypt15: Lockbox reads only end-to-end encrypted crypt15 files.";

    public const string ChecksumMismatch =
        "The file is damaged, truncated or altered: its MD5 checksum does not match.";

    public const string WrongKey =
        "Wrong key: this backup does not decrypt with the key given (the AES-GCM tag does not verify).";

    public static string BadPayload(string detail) =>
        $"The backup decrypted but its content is unreadable ({detail}).";
}
