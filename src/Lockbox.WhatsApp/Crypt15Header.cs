using System.Collections.ObjectModel;

namespace Lockbox.WhatsApp;

/// <summary>
/// The plaintext header at the start of a crypt15 file (docs/WHATSAPP.md, "Header"). Read back by
/// <see cref="Crypt15Reader.TryReadHeader"/>; used as a template by <see cref="Crypt15Writer"/>,
/// which always replaces <see cref="Iv"/> with a fresh random one.
/// Note: WhatsApp does not authenticate the header with the GCM tag (no associated data); only the
/// unkeyed MD5 trailer covers it, so anyone can change these fields without the key.
/// </summary>
public sealed class Crypt15Header
{
    /// <summary>crypt15, or the older crypt14 (header field 2 instead of 3); only crypt15 is written.</summary>
    public WhatsAppFormat Format { get; init; } = WhatsAppFormat.Crypt15;

    /// <summary>Header field 1.</summary>
    public WhatsAppKeyType KeyType { get; init; } = WhatsAppKeyType.EndToEndLegacy;

    /// <summary>Header field 3.1 (crypt14: 2.5): the 16-byte AES-GCM IV.</summary>
    public ReadOnlyMemory<byte> Iv { get; init; }

    /// <summary>Header field 4.1: the WhatsApp version that wrote the backup, e.g. "2.22.5.13".</summary>
    public string AppVersion { get; init; } = "";

    /// <summary>Header field 4.3: the last two digits of the owner's phone number, when present.</summary>
    public string? JidSuffix { get; init; }

    /// <summary>
    /// Header fields 4.4 and up: boolean flags (database schema features), by field number.
    /// Empty for non-database backups.
    /// </summary>
    public IReadOnlyDictionary<int, bool> Features { get; init; } = new SortedDictionary<int, bool>();

    /// <summary>crypt14 only (header field 2.3): the server salt, which the matching key file repeats.</summary>
    internal ReadOnlyMemory<byte> Crypt14ServerSalt { get; init; }

    /// <summary>True when the length byte is followed by the 0x01 "feature table" byte.</summary>
    public bool HasFeatureTable { get; init; } = true;

    /// <summary>
    /// A header like the one in the reference backup (WhatsApp 2.22.5.13, key type 1, its feature
    /// flags), with no IV and no phone-number suffix: what <c>lockbox whatsapp encrypt</c> writes
    /// when not given a template.
    /// </summary>
    public static Crypt15Header Default { get; } = new()
    {
        KeyType = WhatsAppKeyType.EndToEndLegacy,
        AppVersion = "2.22.5.13",
        Features = new ReadOnlyDictionary<int, bool>(DefaultFeatures()),
        HasFeatureTable = true,
    };

    private static SortedDictionary<int, bool> DefaultFeatures()
    {
        // Fields 4..37 as found in testdata/whatsapp/msgstore.db.crypt15.
        int[] set = [5, 7, 8, 13, 14, 19, 22, 25, 28, 30, 31, 32, 36, 37];
        var features = new SortedDictionary<int, bool>();
        for (int field = 4; field <= 37; field++)
            features[field] = Array.IndexOf(set, field) >= 0;
        return features;
    }
}
