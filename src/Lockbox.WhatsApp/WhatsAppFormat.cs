namespace Lockbox.WhatsApp;

/// <summary>Which WhatsApp backup format a file is (docs/WHATSAPP.md).</summary>
public enum WhatsAppFormat
{
    /// <summary>End-to-end encrypted: the key is the user's 64-digit key (or encrypted_backup.key).</summary>
    Crypt15 = 15,

    /// <summary>Older: the key is a 131-byte 'key' file the phone got from WhatsApp's server.</summary>
    Crypt14 = 14,
}
