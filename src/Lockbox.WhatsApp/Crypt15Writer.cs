using System.IO.Compression;
using System.Security.Cryptography;
using Lockbox.WhatsApp.Crypto;

namespace Lockbox.WhatsApp;

/// <summary>
/// Writes a single-file crypt15 backup (docs/WHATSAPP.md): header || AES-256-GCM(zlib(database)) ||
/// tag || MD5(everything before). No file I/O: the caller passes streams. A fresh random IV per file.
/// </summary>
public static class Crypt15Writer
{
    private const int IvSize = Crypt15HeaderCodec.IvSize;

    /// <summary>
    /// Encrypts <paramref name="database"/> (read to its end) under <paramref name="key"/> and writes
    /// the backup to <paramref name="destination"/>. <paramref name="template"/> supplies every header
    /// field but the IV (default <see cref="Crypt15Header.Default"/>). Returns the header written.
    /// </summary>
    public static Crypt15Header Encrypt(Stream database, WhatsAppKey key, Stream destination, Crypt15Header? template = null)
    {
        Span<byte> iv = stackalloc byte[IvSize];
        RandomNumberGenerator.Fill(iv);
        return Encrypt(database, key, destination, template ?? Crypt15Header.Default, iv);
    }

    /// <summary>Same, with a chosen IV: for tests only (an IV must never repeat under one key).</summary>
    internal static Crypt15Header Encrypt(Stream database, WhatsAppKey key, Stream destination, Crypt15Header template, ReadOnlySpan<byte> iv)
    {
        ArgumentNullException.ThrowIfNull(database);
        ArgumentNullException.ThrowIfNull(key);
        ArgumentNullException.ThrowIfNull(destination);
        ArgumentNullException.ThrowIfNull(template);

        byte[] header = Crypt15HeaderCodec.Write(template, iv);
        byte[] compressed = Compress(database);
        byte[] ciphertext = new byte[compressed.Length];
        byte[] tag = new byte[LongIvAesGcm.TagSize];
        Span<byte> bodyKey = stackalloc byte[LongIvAesGcm.KeySize];
        try
        {
            key.DeriveEncryptionKey(bodyKey);
            LongIvAesGcm.Encrypt(bodyKey, iv, compressed, ciphertext, tag);
        }
        finally
        {
            CryptographicOperations.ZeroMemory(bodyKey);
        }

        using var md5 = IncrementalHash.CreateHash(HashAlgorithmName.MD5);
        md5.AppendData(header);
        md5.AppendData(ciphertext);
        md5.AppendData(tag);
        destination.Write(header);
        destination.Write(ciphertext);
        destination.Write(tag);
        destination.Write(md5.GetHashAndReset());

        return new Crypt15Header
        {
            KeyType = template.KeyType,
            Iv = iv.ToArray(),
            AppVersion = template.AppVersion,
            JidSuffix = template.JidSuffix,
            Features = new SortedDictionary<int, bool>(template.Features.ToDictionary()),
            HasFeatureTable = template.HasFeatureTable,
        };
    }

    private static byte[] Compress(Stream database)
    {
        using var buffer = new MemoryStream();
        using (var zlib = new ZLibStream(buffer, CompressionLevel.Optimal, leaveOpen: true))
            database.CopyTo(zlib);
        return buffer.ToArray();
    }
}
