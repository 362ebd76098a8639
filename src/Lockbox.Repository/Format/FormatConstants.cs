namespace Lockbox.Repository.Format;

/// <summary>Every constant of repository format versions 1 and 2 (docs/FORMAT.md); HKDF labels live in Lockbox.Cryptography.Labels.</summary>
internal static class FormatConstants
{
    /// <summary>Version byte of pack headers and of index and lock envelopes: unchanged (1) in format version 2.</summary>
    public const byte Version = 1;

    /// <summary>The repository format version (config) this code creates: 2, delta blocks (FORMAT.md "Versioning").</summary>
    public const byte RepositoryVersion = 2;

    /// <summary>The oldest repository format version this code reads and writes (in its own format).</summary>
    public const byte OldestRepositoryVersion = 1;

    /// <summary>Envelope version of a snapshot that carries a delta list (format version 2).</summary>
    public const byte SnapshotVersionWithDeltas = 2;

    /// <summary>Magic at the start of the config object (FORMAT.md "Config").</summary>
    public static ReadOnlySpan<byte> ConfigMagic => "LOCKBOX-REPO\0"u8;

    /// <summary>Associated data of a pack header (FORMAT.md "Pack").</summary>
    public static ReadOnlySpan<byte> PackHeaderAd => "lockbox/v1/pack-header"u8;

    /// <summary>Metadata object types (FORMAT.md "Metadata objects").</summary>
    public const byte TypeIndex = (byte)'I';
    public const byte TypeSnapshot = (byte)'S';
    public const byte TypeLock = (byte)'L';

    /// <summary>Issue 13: a record of forgotten snapshots that keeps the chain checkable across per-source forget (FORMAT.md "Forgotten snapshots").</summary>
    public const byte TypeForgotten = (byte)'F';

    /// <summary>Blob kinds: how the payload is encoded before padding (FORMAT.md "Blob").</summary>
    public const byte CompressionNone = 0;
    public const byte CompressionZstd = 1;

    /// <summary>Format 2: zstd frame of the block compressed with its base block's raw bytes as a raw-content dictionary.</summary>
    public const byte CompressionDelta = 2;

    /// <summary>Prefix of the keyed hash that names a delta blob: HMAC(blob-id key, prefix || base id || block id).</summary>
    public static ReadOnlySpan<byte> DeltaIdPrefix => "lockbox/v2/delta"u8;

    /// <summary>Delta list entries per list piece: block index u64 || base id (40 bytes each).</summary>
    public const int DeltaListEntries = 1024;
    public const int DeltaEntrySize = 8 + 32;

    /// <summary>
    /// A changed block is stored as a delta while the delta's payload is at most this fraction of its base's
    /// payload; past it the block is stored whole and becomes the next base (re-base).
    /// </summary>
    public const double RebaseAbove = 0.5;

    /// <summary>The zstd dictionary magic: a base starting with it would not read as raw content, so it gets no deltas.</summary>
    public static ReadOnlySpan<byte> ZstdDictionaryMagic => [0x37, 0xA4, 0x30, 0xEC];

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
    public const int PacksPerIndex = 16;

    /// <summary>Store name prefixes.</summary>
    public const string ConfigName = "config";
    public const string DataPrefix = "data/";
    public const string IndexPrefix = "index/";
    public const string SnapshotPrefix = "snapshots/";
    public const string ForgottenPrefix = "forgotten/";
    public const string LockName = "locks/lock";
    public const string LockRefreshPrefix = "locks/refresh/";

    public static string PackName(BlobId id)
    {
        string hex = id.ToHex();
        return $"{DataPrefix}{hex[..2]}/{hex}";
    }
}
