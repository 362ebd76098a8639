using System.Text;
using Lockbox.WhatsApp.Protobuf;

namespace Lockbox.WhatsApp;

/// <summary>
/// Reads and writes the crypt15 header: <c>len(1) || [0x01] || prefix(len bytes, protobuf)</c>.
/// Field numbers are those of docs/WHATSAPP.md, "Header". No I/O.
/// </summary>
internal static class Crypt15HeaderCodec
{
    public const int IvSize = 16;
    public const byte FeatureTableMarker = 0x01;

    // prefix message
    private const int KeyTypeField = 1;
    private const int C14CipherField = 2;
    private const int C15IvField = 3;
    private const int InfoField = 4;
    // C15_IV message
    private const int IvField = 1;
    // C14_cipher message
    private const int C14ServerSaltField = 3;
    private const int C14IvField = 5;
    // info message
    private const int AppVersionField = 1;
    private const int JidSuffixField = 3;
    private const int FirstFeatureField = 4;

    private static readonly UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    /// <summary>Outcome of reading a header; <see cref="BodyOffset"/> is where the ciphertext starts.</summary>
    internal readonly record struct Parsed(Crypt15Header? Header, int BodyOffset, Crypt15Failure Failure, string? Error);

    public static Parsed Read(ReadOnlySpan<byte> file)
    {
        if (file.Length < 2)
            return Fail(Crypt15Failure.Truncated, WhatsAppErrors.Truncated);
        int length = file[0];
        bool featureTable = file[1] == FeatureTableMarker;
        int start = featureTable ? 2 : 1;
        if (length == 0)
            return Fail(Crypt15Failure.Malformed, WhatsAppErrors.Malformed("header length 0"));
        if (start + length > file.Length)
            return Fail(Crypt15Failure.Truncated, WhatsAppErrors.Truncated);
        try
        {
            Crypt15Header header = ReadPrefix(file.Slice(start, length), featureTable);
            return new Parsed(header, start + length, Crypt15Failure.None, null);
        }
        catch (FormatException e)
        {
            return Fail(Crypt15Failure.Malformed, WhatsAppErrors.Malformed(e.Message));
        }
        catch (DecoderFallbackException)
        {
            return Fail(Crypt15Failure.Malformed, WhatsAppErrors.Malformed("a text field is not UTF-8"));
        }
    }

    /// <summary>Serializes a crypt15 header with <paramref name="iv"/> in place of the template's IV.</summary>
    public static byte[] Write(Crypt15Header header, ReadOnlySpan<byte> iv)
    {
        if (header.Format != WhatsAppFormat.Crypt15)
            throw new ArgumentException("Lockbox writes only crypt15 backups.", nameof(header));
        if (iv.Length != IvSize)
            throw new ArgumentException($"The crypt15 IV is {IvSize} bytes.", nameof(iv));
        var info = new ProtoWriter();
        info.WriteBytesField(AppVersionField, StrictUtf8.GetBytes(header.AppVersion));
        if (header.JidSuffix is not null)
            info.WriteBytesField(JidSuffixField, StrictUtf8.GetBytes(header.JidSuffix));
        foreach (KeyValuePair<int, bool> feature in header.Features.OrderBy(f => f.Key))
        {
            if (feature.Key < FirstFeatureField)
                throw new ArgumentException($"Feature flags are fields {FirstFeatureField} and up, not {feature.Key}.", nameof(header));
            info.WriteVarintField(feature.Key, feature.Value ? 1UL : 0UL);
        }

        var c15Iv = new ProtoWriter();
        c15Iv.WriteBytesField(IvField, iv);

        var prefix = new ProtoWriter();
        prefix.WriteVarintField(KeyTypeField, (ulong)(int)header.KeyType);
        prefix.WriteMessageField(C15IvField, c15Iv);
        prefix.WriteMessageField(InfoField, info);
        byte[] body = prefix.ToArray();
        if (body.Length > byte.MaxValue)
            throw new ArgumentException($"The header is {body.Length} bytes; crypt15 stores its length in one byte (at most 255).", nameof(header));

        int start = header.HasFeatureTable ? 2 : 1;
        byte[] output = new byte[start + body.Length];
        output[0] = (byte)body.Length;
        if (header.HasFeatureTable)
            output[1] = FeatureTableMarker;
        body.CopyTo(output, start);
        return output;
    }

    private static Crypt15Header ReadPrefix(ReadOnlySpan<byte> prefix, bool featureTable)
    {
        bool crypt14 = false;
        byte[]? serverSalt = null;
        var keyType = WhatsAppKeyType.ServerProvided;
        byte[]? iv = null;
        Crypt15Header? info = null;
        var reader = new ProtoReader(prefix);
        while (!reader.AtEnd)
        {
            reader.ReadTag(out int field, out WireType wireType);
            switch (field)
            {
                case KeyTypeField:
                    Expect(wireType, WireType.Varint, "key type");
                    ulong value = reader.ReadVarint();
                    if (value > int.MaxValue)
                        throw new FormatException($"key type {value} is out of range");
                    keyType = (WhatsAppKeyType)(int)value;
                    break;
                case C14CipherField:
                    Expect(wireType, WireType.LengthDelimited, "crypt14 cipher");
                    crypt14 = true;
                    (iv, serverSalt) = ReadC14Cipher(reader.ReadLengthDelimited());
                    break;
                case C15IvField:
                    Expect(wireType, WireType.LengthDelimited, "IV");
                    iv = ReadIv(reader.ReadLengthDelimited());
                    break;
                case InfoField:
                    Expect(wireType, WireType.LengthDelimited, "backup info");
                    info = ReadInfo(reader.ReadLengthDelimited());
                    break;
                default:
                    reader.Skip(wireType);
                    break;
            }
        }
        if (iv is null)
            throw new FormatException("no IV");
        return new Crypt15Header
        {
            Format = crypt14 ? WhatsAppFormat.Crypt14 : WhatsAppFormat.Crypt15,
            Crypt14ServerSalt = serverSalt,
            KeyType = keyType,
            Iv = iv,
            AppVersion = info?.AppVersion ?? "",
            JidSuffix = info?.JidSuffix,
            Features = info?.Features ?? new SortedDictionary<int, bool>(),
            HasFeatureTable = featureTable,
        };
    }

    private static byte[] ReadIv(ReadOnlySpan<byte> message)
    {
        byte[]? iv = null;
        var reader = new ProtoReader(message);
        while (!reader.AtEnd)
        {
            reader.ReadTag(out int field, out WireType wireType);
            if (field == IvField)
            {
                Expect(wireType, WireType.LengthDelimited, "IV");
                iv = reader.ReadLengthDelimited().ToArray();
            }
            else
            {
                reader.Skip(wireType);
            }
        }
        if (iv is null)
            throw new FormatException("no IV");
        if (iv.Length != IvSize)
            throw new FormatException($"the IV is {iv.Length} bytes, not {IvSize}");
        return iv;
    }

    private static (byte[] Iv, byte[] ServerSalt) ReadC14Cipher(ReadOnlySpan<byte> message)
    {
        byte[]? iv = null;
        byte[]? serverSalt = null;
        var reader = new ProtoReader(message);
        while (!reader.AtEnd)
        {
            reader.ReadTag(out int field, out WireType wireType);
            if (field == C14IvField && wireType == WireType.LengthDelimited)
                iv = reader.ReadLengthDelimited().ToArray();
            else if (field == C14ServerSaltField && wireType == WireType.LengthDelimited)
                serverSalt = reader.ReadLengthDelimited().ToArray();
            else
                reader.Skip(wireType);
        }
        if (iv is null || iv.Length != IvSize)
            throw new FormatException("the crypt14 cipher has no 16-byte IV");
        if (serverSalt is null || serverSalt.Length != 32)
            throw new FormatException("the crypt14 cipher has no 32-byte server salt");
        return (iv, serverSalt);
    }

    private static Crypt15Header ReadInfo(ReadOnlySpan<byte> message)
    {
        string appVersion = "";
        string? jidSuffix = null;
        var features = new SortedDictionary<int, bool>();
        var reader = new ProtoReader(message);
        while (!reader.AtEnd)
        {
            reader.ReadTag(out int field, out WireType wireType);
            if (field == AppVersionField && wireType == WireType.LengthDelimited)
                appVersion = StrictUtf8.GetString(reader.ReadLengthDelimited());
            else if (field == JidSuffixField && wireType == WireType.LengthDelimited)
                jidSuffix = StrictUtf8.GetString(reader.ReadLengthDelimited());
            else if (field >= FirstFeatureField && wireType == WireType.Varint)
                features[field] = reader.ReadVarint() != 0;
            else
                reader.Skip(wireType);
        }
        return new Crypt15Header { AppVersion = appVersion, JidSuffix = jidSuffix, Features = features };
    }

    private static void Expect(WireType actual, WireType expected, string what)
    {
        if (actual != expected)
            throw new FormatException($"the {what} field has wire type {(int)actual}, not {(int)expected}");
    }

    private static Parsed Fail(Crypt15Failure failure, string error) => new(null, 0, failure, error);
}
