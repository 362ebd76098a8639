using System.IO.Compression;
using System.Security.Cryptography;
using Lockbox.WhatsApp.Crypto;

namespace Lockbox.WhatsApp;

/// <summary>
/// Decrypts a WhatsApp crypt15 (or older crypt14) backup held in memory (docs/WHATSAPP.md). No file I/O: the caller
/// passes the file's bytes and a destination stream.
/// Read order: header; MD5 trailer; GCM tag over the whole ciphertext; only then decrypt and write.
/// Nothing reaches the destination unless the tag verified.
/// </summary>
public static class Crypt15Reader
{
    private const int Md5Size = 16;
    private static ReadOnlySpan<byte> ZipMagic => "PK\x03\x04"u8;

    /// <summary>Reads only the plaintext header (no key needed). Returns false with a one-line error.</summary>
    public static bool TryReadHeader(ReadOnlySpan<byte> file, out Crypt15Header? header, out string? error)
    {
        Crypt15HeaderCodec.Parsed parsed = Crypt15HeaderCodec.Read(file);
        header = parsed.Header;
        error = parsed.Error;
        return parsed.Failure == Crypt15Failure.None;
    }

    /// <summary>
    /// Decrypts <paramref name="file"/> with <paramref name="key"/> and writes the database (or, for a
    /// multi-file backup, the zip archive) to <paramref name="destination"/>. On any failure nothing
    /// is written, except <see cref="Crypt15Failure.BadPayload"/>: authenticated bytes whose zlib
    /// stream broke part way, which callers writing a file discard with the rest.
    /// </summary>
    public static Crypt15Result Decrypt(ReadOnlySpan<byte> file, WhatsAppKey key, Stream destination)
    {
        ArgumentNullException.ThrowIfNull(key);
        ArgumentNullException.ThrowIfNull(destination);

        Crypt15HeaderCodec.Parsed parsed = Crypt15HeaderCodec.Read(file);
        if (parsed.Header is not { } header)
            return Crypt15Result.Fail(parsed.Failure, parsed.Error!);
        ReadOnlySpan<byte> body = file[parsed.BodyOffset..];
        if (body.Length < LongIvAesGcm.TagSize + Md5Size)
            return Crypt15Result.Fail(Crypt15Failure.Truncated, WhatsAppErrors.Truncated, header);

        if (header.Format == WhatsAppFormat.Crypt14 && !key.IsCrypt14)
            return Crypt15Result.Fail(Crypt15Failure.WrongKey, WhatsAppErrors.Crypt14NeedsKeyFile, header);
        if (header.Format == WhatsAppFormat.Crypt15 && key.IsCrypt14)
            return Crypt15Result.Fail(Crypt15Failure.WrongKey, WhatsAppErrors.Crypt15NeedsRootKey, header);
        if (key.IsCrypt14 && !CryptographicOperations.FixedTimeEquals(key.Crypt14Field(Crypt14KeyLayout.ServerSalt), header.Crypt14ServerSalt.Span))
            return Crypt15Result.Fail(Crypt15Failure.WrongKey, WhatsAppErrors.Crypt14OtherKeyFile, header);

        byte[] compressed;
        bool hasChecksum;
        Span<byte> bodyKey = stackalloc byte[LongIvAesGcm.KeySize];
        try
        {
            // crypt15: HKDF of the root key; crypt14: the key file's AES key as is.
            if (key.IsCrypt14)
                key.Crypt14Field(Crypt14KeyLayout.AesKey).CopyTo(bodyKey);
            else
                key.DeriveEncryptionKey(bodyKey);
            if (ChecksumMatches(file))
            {
                // ciphertext || tag || md5
                hasChecksum = true;
                compressed = new byte[body.Length - LongIvAesGcm.TagSize - Md5Size];
                ReadOnlySpan<byte> tag = body.Slice(compressed.Length, LongIvAesGcm.TagSize);
                if (!LongIvAesGcm.TryDecrypt(bodyKey, header.Iv.Span, body[..compressed.Length], tag, compressed))
                    return Crypt15Result.Fail(Crypt15Failure.WrongKey, WhatsAppErrors.WrongKey, header);
            }
            else
            {
                // A multi-file backup has no MD5: ciphertext || tag. If the tag does not verify that
                // way either, the checksum failure is the honest report.
                hasChecksum = false;
                compressed = new byte[body.Length - LongIvAesGcm.TagSize];
                ReadOnlySpan<byte> tag = body[compressed.Length..];
                if (!LongIvAesGcm.TryDecrypt(bodyKey, header.Iv.Span, body[..compressed.Length], tag, compressed))
                    return Crypt15Result.Fail(Crypt15Failure.ChecksumMismatch, WhatsAppErrors.ChecksumMismatch, header);
            }
        }
        finally
        {
            CryptographicOperations.ZeroMemory(bodyKey);
        }

        return WritePayload(compressed, header, hasChecksum, destination);
    }

    private static bool ChecksumMatches(ReadOnlySpan<byte> file)
    {
        Span<byte> md5 = stackalloc byte[Md5Size];
        MD5.HashData(file[..^Md5Size], md5);
        return CryptographicOperations.FixedTimeEquals(md5, file[^Md5Size..]);
    }

    private static Crypt15Result WritePayload(byte[] payload, Crypt15Header header, bool hasChecksum, Stream destination)
    {
        if (payload.AsSpan().StartsWith(ZipMagic))
        {
            destination.Write(payload);
            return new Crypt15Result(Crypt15Failure.None, null, header, Crypt15Payload.Zip, payload.Length, hasChecksum);
        }
        if (!IsZlibHeader(payload))
            return Crypt15Result.Fail(Crypt15Failure.BadPayload, WhatsAppErrors.BadPayload("neither a zlib stream nor a zip archive"), header);
        using var counting = new CountingStream(destination); // leaves the destination open
        try
        {
            using var input = new MemoryStream(payload, writable: false);
            using var zlib = new ZLibStream(input, CompressionMode.Decompress);
            zlib.CopyTo(counting);
            return new Crypt15Result(Crypt15Failure.None, null, header, Crypt15Payload.Zlib, counting.Written, hasChecksum);
        }
        // zlib reports some corrupt streams as InvalidDataException, others as its (internal) ZLibException, an
        // IOException; an IOException from writing the destination is not the payload's fault and propagates.
        catch (Exception e) when (e is InvalidDataException || (e is IOException && !counting.InnerFailed))
        {
            return Crypt15Result.Fail(Crypt15Failure.BadPayload, WhatsAppErrors.BadPayload("the zlib stream is corrupt"), header);
        }
    }

    // RFC 1950: CM = 8 (deflate), CINFO <= 7, (CMF * 256 + FLG) % 31 == 0.
    private static bool IsZlibHeader(ReadOnlySpan<byte> data) =>
        data.Length >= 2 && (data[0] & 0x0F) == 8 && (data[0] >> 4) <= 7 && ((data[0] << 8) | data[1]) % 31 == 0;
}
