using Lockbox.Cryptography;
using Lockbox.Repository.Format;
using Lockbox.WhatsApp;

namespace Lockbox.Fuzz;

/// <summary>
/// Fixed, public test keys, so the fuzzer can reach the parsers behind AEAD: a target seals the fuzzed
/// plaintext under one of these keys and hands the result to the real reader. Never used outside fuzzing.
/// </summary>
internal static class TestKeys
{
    /// <summary>32 bytes 0x01..0x20: the backup key K of the fuzzed repository.</summary>
    public static byte[] BackupKeyBytes { get; } = [.. Enumerable.Range(1, BackupKey.Size).Select(i => (byte)i)];

    /// <summary>16 bytes 0xA0..0xAF: the repository id the metadata key is bound to.</summary>
    public static byte[] RepositoryId { get; } = [.. Enumerable.Range(0xA0, FormatConstants.RepositoryIdSize).Select(i => (byte)i)];

    /// <summary>Keys of the fuzzed repository, bound to <see cref="RepositoryId"/>. Shared: targets only read them.</summary>
    public static RepositoryKeys Repository { get; } = CreateRepositoryKeys();

    /// <summary>The crypt15 root key: 32 bytes 0x40..0x5F.</summary>
    public static WhatsAppKey WhatsApp { get; } = WhatsAppKey.Import([.. Enumerable.Range(0x40, 32).Select(i => (byte)i)]);

    private static RepositoryKeys CreateRepositoryKeys()
    {
        using BackupKey key = BackupKey.Import(BackupKeyBytes);
        var keys = new RepositoryKeys(key);
        keys.BindRepository(RepositoryId);
        return keys;
    }
}
