namespace Lockbox.WhatsApp;

/// <summary>
/// The key type field (1) of the crypt15 header. Values as named by public decoders; only
/// <see cref="EndToEndLegacy"/> has been seen in a real file here (docs/WHATSAPP.md, "Header").
/// Every value decrypts the same way: the root key is what differs, not the algorithm.
/// </summary>
public enum WhatsAppKeyType
{
    /// <summary>0: WhatsApp holds the key (crypt12/crypt14).</summary>
    ServerProvided = 0,

    /// <summary>1: end-to-end, written by app versions before the kind of key was recorded (the fixture's value).</summary>
    EndToEndLegacy = 1,

    /// <summary>2: end-to-end, root key from a password through WhatsApp's HSM-backed key vault.</summary>
    EndToEndPassword = 2,

    /// <summary>3: end-to-end, the 64-digit key.</summary>
    EndToEndEncryptionKey = 3,

    /// <summary>4: end-to-end, root key from a passkey.</summary>
    EndToEndPasskey = 4,
}
