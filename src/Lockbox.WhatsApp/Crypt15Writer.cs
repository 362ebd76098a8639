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

        if (key.IsCrypt14)
            throw new ArgumentException("Lockbox writes only crypt15 backups: a crypt14 key file cannot encrypt.", nameof(key));
        var written = new Crypt15Header
        {
            Format = WhatsAppFormat.Crypt15,
            KeyType = template.KeyType,
            Iv = iv.ToArray(),
            AppVersion = template.AppVersion,
            JidSuffix = template.JidSuffix,
            Features = new SortedDictionary<int, bool>(template.Features.ToDictionary()),
            HasFeatureTable = template.HasFeatureTable,
        };
        byte[] header = Crypt15HeaderCodec.Write(written, iv);
        using MemoryStream compressed = Compress(database);
        // Encrypt in place: the zlib buffer becomes the ciphertext (no second copy of a large database).
        Span<byte> body = compressed.GetBuffer().AsSpan(0, (int)compressed.Length);
        byte[] tag = new byte[LongIvAesGcm.TagSize];
        Span<byte> bodyKey = stackalloc byte[LongIvAesGcm.KeySize];
        try
        {
            key.DeriveEncryptionKey(bodyKey);
            LongIvAesGcm.Encrypt(bodyKey, iv, body, body, tag);
        }
        finally
        {
            CryptographicOperations.ZeroMemory(bodyKey);
        }

        using var md5 = IncrementalHash.CreateHash(HashAlgorithmName.MD5);
        md5.AppendData(header);
        md5.AppendData(body);
        md5.AppendData(tag);
        destination.Write(header);
        destination.Write(body);
        destination.Write(tag);
        destination.Write(md5.GetHashAndReset());

        return written;
    }

    // WhatsApp's own files use zlib's fastest level (header 78 01); so does Lockbox: the body is
    // dominated by compression time, and the size gain of higher levels is small (docs/WHATSAPP.md).
    private static MemoryStream Compress(Stream database)
    {
        var buffer = new MemoryStream();
        using (var zlib = new ZLibStream(buffer, CompressionLevel.Fastest, leaveOpen: true))
            database.CopyTo(zlib);
        return buffer;
    }
}
