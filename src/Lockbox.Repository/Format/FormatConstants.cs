namespace Lockbox.Repository.Format;

/// <summary>Every constant of repository format version 1 (docs/FORMAT.md); HKDF labels live in Lockbox.Cryptography.Labels.</summary>
internal static class FormatConstants
{
    /// <summary>The format version this code writes and the only one it reads.</summary>
    public const byte Version = 1;

    /// <summary>Magic at the start of the config object (FORMAT.md "Config").</summary>
    public static ReadOnlySpan<byte> ConfigMagic => "LOCKBOX-REPO\0"u8;

    /// <summary>Associated data of a pack header (FORMAT.md "Pack").</summary>
    public static ReadOnlySpan<byte> PackHeaderAd => "lockbox/v1/pack-header"u8;

    /// <summary>Metadata object types (FORMAT.md "Metadata objects").</summary>
    public const byte TypeIndex = (byte)'I';
    public const byte TypeSnapshot = (byte)'S';
    public const byte TypeLock = (byte)'L';

    /// <summary>Blob kinds: how the payload is encoded before padding (FORMAT.md "Blob").</summary>
    public const byte CompressionNone = 0;
    public const byte CompressionZstd = 1;

    /// <summary>Pack salt length.</summary>
    public const int PackSaltSize = 32;

    /// <summary>Repository id length.</summary>
    public const int RepositoryIdSize = 16;

    /// <summary>Default parameters written into a new config.</summary>
    public const int DefaultPackSize = 8 << 20;
    public const int DefaultMediaPieceSize = 1 << 20;
    public const int MinimumBlockSize = 4096;
    public const int ListBlobIds = 1024;
    public const int MediaListPieceSize = 256 << 10;
    public const int ZstdLevel = 1;

    /// <summary>Pack packs are flushed into an index object every this many packs (and at the end).</summary>
    public const int PacksPerIndex = 32;

    /// <summary>Store name prefixes.</summary>
    public const string ConfigName = "config";
    public const string DataPrefix = "data/";
    public const string IndexPrefix = "index/";
    public const string SnapshotPrefix = "snapshots/";
    public const string LockName = "locks/lock";
    public const string LockRefreshPrefix = "locks/refresh/";

    public static string PackName(BlobId id)
    {
        string hex = id.ToHex();
        return $"{DataPrefix}{hex[..2]}/{hex}";
    }
}
