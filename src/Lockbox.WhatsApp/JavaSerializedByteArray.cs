using System.Buffers.Binary;

namespace Lockbox.WhatsApp;

/// <summary>
/// The one Java object serialization stream Android's WhatsApp writes for a key file: a single
/// <c>byte[]</c> (Java Object Serialization Specification, chapter 6 "Object Serialization Stream
/// Protocol"). Byte by byte:
/// <code>
/// AC ED             STREAM_MAGIC
/// 00 05             STREAM_VERSION
/// 75                TC_ARRAY
/// 72                TC_CLASSDESC
/// 00 02 5B 42       class name, modified UTF-8 with a 2-byte length: "[B"
/// AC F3 17 F8 06 08 54 E0   serialVersionUID of byte[]
/// 02                flags: SC_SERIALIZABLE
/// 00 00             field count 0
/// 78                TC_ENDBLOCKDATA (no class annotation)
/// 70                TC_NULL (no superclass)
/// NN NN NN NN       array length, big-endian int32
/// ...               the bytes
/// </code>
/// Anything else (another class, a handle, extra bytes after the array) is rejected: a key file is
/// only ever this, and a parser that accepted more would accept files it does not understand.
/// </summary>
internal static class JavaSerializedByteArray
{
    private static ReadOnlySpan<byte> Prefix =>
    [
        0xAC, 0xED, 0x00, 0x05,                         // STREAM_MAGIC, STREAM_VERSION
        0x75, 0x72,                                     // TC_ARRAY, TC_CLASSDESC
        0x00, 0x02, 0x5B, 0x42,                         // "[B"
        0xAC, 0xF3, 0x17, 0xF8, 0x06, 0x08, 0x54, 0xE0, // serialVersionUID
        0x02, 0x00, 0x00,                               // SC_SERIALIZABLE, 0 fields
        0x78, 0x70,                                     // TC_ENDBLOCKDATA, TC_NULL
    ];

    /// <summary>Length of a serialized byte[] of <paramref name="length"/> bytes.</summary>
    public static int SerializedLength(int length) => Prefix.Length + 4 + length;

    /// <summary>Checks the stream up to the array length and returns that length (the bytes may still be missing).</summary>
    public static bool TryReadLength(ReadOnlySpan<byte> stream, out int length, out string? error)
    {
        length = 0;
        if (!TryCheckPrefix(stream, out error))
            return false;
        length = BinaryPrimitives.ReadInt32BigEndian(stream[Prefix.Length..]);
        if (length < 0)
        {
            error = WhatsAppErrors.KeyFileNotByteArray(Prefix.Length);
            return false;
        }
        return true;
    }

    /// <summary>
    /// Reads the array into <paramref name="value"/>, which must be exactly as long as the array
    /// (so a wrong-size key is reported with the size found). Returns false with a one-line error.
    /// </summary>
    public static bool TryRead(ReadOnlySpan<byte> stream, Span<byte> value, out string? error)
    {
        if (!TryCheckPrefix(stream, out error))
            return false;
        int length = BinaryPrimitives.ReadInt32BigEndian(stream[Prefix.Length..]);
        ReadOnlySpan<byte> rest = stream[(Prefix.Length + 4)..];
        if (length < 0 || length > rest.Length)
        {
            error = WhatsAppErrors.KeyFileTruncated;
            return false;
        }
        if (length != value.Length)
        {
            error = WhatsAppErrors.KeyFileWrongSize(length);
            return false;
        }
        if (rest.Length != length)
        {
            error = WhatsAppErrors.KeyFileTrailingBytes(rest.Length - length);
            return false;
        }
        rest.CopyTo(value);
        return true;
    }

    private static bool TryCheckPrefix(ReadOnlySpan<byte> stream, out string? error)
    {
        error = null;
        if (stream.Length < 2 || stream[0] != 0xAC || stream[1] != 0xED)
        {
            error = WhatsAppErrors.KeyFileNotJava;
            return false;
        }
        if (stream.Length < Prefix.Length + 4)
        {
            error = WhatsAppErrors.KeyFileTruncated;
            return false;
        }
        ReadOnlySpan<byte> prefix = stream[..Prefix.Length];
        if (!prefix.SequenceEqual(Prefix))
        {
            error = WhatsAppErrors.KeyFileNotByteArray(prefix.CommonPrefixLength(Prefix));
            return false;
        }
        return true;
    }

    /// <summary>Writes <paramref name="value"/> as a serialized Java byte[].</summary>
    public static void Write(ReadOnlySpan<byte> value, Span<byte> destination)
    {
        if (destination.Length != SerializedLength(value.Length))
            throw new ArgumentException("Destination has the wrong length.", nameof(destination));
        Prefix.CopyTo(destination);
        BinaryPrimitives.WriteInt32BigEndian(destination[Prefix.Length..], value.Length);
        value.CopyTo(destination[(Prefix.Length + 4)..]);
    }
}
