namespace Lockbox.WhatsApp.Protobuf;

/// <summary>
/// The protobuf wire format, only as far as the crypt15 header needs it: varints (wire type 0),
/// length-delimited fields (wire type 2), and skipping fixed64/fixed32 fields it does not know.
/// Input is untrusted: every read is bounds-checked and fails with <see cref="FormatException"/>.
/// </summary>
internal ref struct ProtoReader
{
    private readonly ReadOnlySpan<byte> _data;
    private int _position;

    public ProtoReader(ReadOnlySpan<byte> data)
    {
        _data = data;
        _position = 0;
    }

    public readonly bool AtEnd => _position >= _data.Length;

    /// <summary>Reads a field key: field number and wire type.</summary>
    public void ReadTag(out int field, out WireType wireType)
    {
        ulong key = ReadVarint();
        ulong number = key >> 3;
        if (number == 0 || number > int.MaxValue)
            throw new FormatException($"invalid protobuf field number {number}");
        field = (int)number;
        wireType = (WireType)(key & 7);
    }

    /// <summary>Reads a base-128 varint of at most 10 bytes.</summary>
    public ulong ReadVarint()
    {
        ulong result = 0;
        for (int shift = 0; shift < 70; shift += 7)
        {
            if (_position >= _data.Length)
                throw new FormatException("protobuf varint runs past the end of the header");
            byte b = _data[_position++];
            if (shift == 63 && b > 1)
                throw new FormatException("protobuf varint overflows 64 bits");
            result |= (ulong)(b & 0x7F) << shift;
            if ((b & 0x80) == 0)
                return result;
        }
        throw new FormatException("protobuf varint is longer than 10 bytes");
    }

    /// <summary>Reads the payload of a length-delimited field.</summary>
    public ReadOnlySpan<byte> ReadLengthDelimited()
    {
        ulong length = ReadVarint();
        if (length > (ulong)(_data.Length - _position))
            throw new FormatException("protobuf field length runs past the end of the header");
        ReadOnlySpan<byte> value = _data.Slice(_position, (int)length);
        _position += (int)length;
        return value;
    }

    /// <summary>Skips the value of a field this reader does not interpret.</summary>
    public void Skip(WireType wireType)
    {
        switch (wireType)
        {
            case WireType.Varint:
                ReadVarint();
                break;
            case WireType.LengthDelimited:
                ReadLengthDelimited();
                break;
            case WireType.Fixed64:
                Advance(8);
                break;
            case WireType.Fixed32:
                Advance(4);
                break;
            default:
                throw new FormatException($"unsupported protobuf wire type {(int)wireType}");
        }
    }

    private void Advance(int count)
    {
        if (count > _data.Length - _position)
            throw new FormatException("protobuf field runs past the end of the header");
        _position += count;
    }
}
