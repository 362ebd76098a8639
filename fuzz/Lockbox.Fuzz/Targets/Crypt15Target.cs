using System.Security.Cryptography;
using System.Text;
using Lockbox.WhatsApp;
using Lockbox.WhatsApp.Crypto;

namespace Lockbox.Fuzz.Targets;

/// <summary>
/// WhatsApp files Lockbox reads from the disk. Mode byte 0: a crypt14/crypt15 backup through
/// <c>Crypt15Reader.TryReadHeader</c> and <c>Decrypt</c> under a fixed test key. Mode 1: the decrypted body (the
/// zlib or zip payload) in clear; the target encrypts it as <c>Crypt15Writer</c> does, so the payload reader is
/// reached. Mode 2: an <c>encrypted_backup.key</c> / crypt14 <c>key</c> file. Mode 3: a typed 64-digit key.
/// Allowed: none — every failure is a result (false with an error, or a <c>Crypt15Result</c> failure).
/// </summary>
public sealed class Crypt15Target : IFuzzTarget
{
    private static readonly byte[] Iv = [.. Enumerable.Range(0x20, 16).Select(i => (byte)i)];

    public string Name => "crypt15";

    public string Allows => "nothing: failures are results (false + error, Crypt15Result.Failure)";

    public void Run(ReadOnlySpan<byte> data)
    {
        if (data.IsEmpty) return;
        ReadOnlySpan<byte> rest = data[1..];
        switch (data[0] % 4)
        {
            case 0:
                Check(Crypt15Reader.TryReadHeader(rest, out Crypt15Header? header, out string? error), header, error);
                Crypt15Result result = Crypt15Reader.Decrypt(rest, TestKeys.WhatsApp, Stream.Null);
                if ((result.Failure == Crypt15Failure.None) != (result.Error is null))
                    throw new FuzzInvariantException("Crypt15Result: failure and error disagree");
                break;
            case 1:
                Crypt15Result payload = Crypt15Reader.Decrypt(Encrypt(rest), TestKeys.WhatsApp, Stream.Null);
                if (payload.Failure is not (Crypt15Failure.None or Crypt15Failure.BadPayload))
                    throw new FuzzInvariantException($"a correctly encrypted body was refused as {payload.Failure}");
                break;
            case 2:
                Check(WhatsAppKey.TryReadKeyFile(rest, out WhatsAppKey? keyFile, out string? keyFileError), keyFile, keyFileError);
                keyFile?.Dispose();
                break;
            default:
                Check(WhatsAppKey.TryParse(Encoding.UTF8.GetString(rest), out WhatsAppKey? typed, out string? typedError), typed, typedError);
                typed?.Dispose();
                break;
        }
    }

    private static void Check(bool ok, object? value, string? error)
    {
        if (ok ? value is null || error is not null : value is not null || string.IsNullOrEmpty(error))
            throw new FuzzInvariantException("a Try method's result, value and error disagree");
    }

    /// <summary>header || AES-GCM(derived key, long IV, body) || tag || MD5, exactly as Crypt15Writer lays it out.</summary>
    private static byte[] Encrypt(ReadOnlySpan<byte> body)
    {
        byte[] header = Crypt15HeaderCodec.Write(Crypt15Header.Default, Iv);
        byte[] file = new byte[header.Length + body.Length + LongIvAesGcm.TagSize + 16];
        header.CopyTo(file, 0);
        Span<byte> key = stackalloc byte[LongIvAesGcm.KeySize];
        TestKeys.WhatsApp.DeriveEncryptionKey(key);
        LongIvAesGcm.Encrypt(key, Iv, body, file.AsSpan(header.Length, body.Length), file.AsSpan(header.Length + body.Length, LongIvAesGcm.TagSize));
        MD5.HashData(file.AsSpan(0, file.Length - 16), file.AsSpan(file.Length - 16));
        return file;
    }

    public IEnumerable<KeyValuePair<string, byte[]>> Seeds()
    {
        byte[] database = [.. "SQLite format 3\0"u8, .. Enumerable.Range(0, 200).Select(i => (byte)(i % 7))];
        using var backup = new MemoryStream();
        Crypt15Writer.Encrypt(new MemoryStream(database), TestKeys.WhatsApp, backup);
        yield return new("msgstore.db.crypt15", [0, .. backup.ToArray()]);

        using var zlib = new MemoryStream();
        using (var z = new System.IO.Compression.ZLibStream(zlib, System.IO.Compression.CompressionLevel.Fastest, leaveOpen: true))
            z.Write(database);
        yield return new("body-zlib.bin", [1, .. zlib.ToArray()]);

        // Android's encrypted_backup.key: a Java-serialized byte[32], written by Lockbox's own serializer.
        byte[] keyFile = new byte[JavaSerializedByteArray.SerializedLength(32)];
        JavaSerializedByteArray.Write([.. Enumerable.Range(0x40, 32).Select(i => (byte)i)], keyFile);
        yield return new("encrypted_backup.key", [2, .. keyFile]);
        yield return new("digits.txt", [3, .. "4041424344454647-48494a4b4c4d4e4f-5051525354555657-58595a5b5c5d5e5f"u8]);
    }
}
