namespace Lockbox.WhatsApp;

/// <summary>What an authenticated crypt15 body held.</summary>
public enum Crypt15Payload
{
    /// <summary>Nothing (the file did not decrypt).</summary>
    None = 0,

    /// <summary>A zlib stream, inflated to the database (single-file backups such as msgstore.db.crypt15).</summary>
    Zlib,

    /// <summary>A zip archive, passed through as is (multi-file backups: stickers, wallpapers, ...).</summary>
    Zip,
}
