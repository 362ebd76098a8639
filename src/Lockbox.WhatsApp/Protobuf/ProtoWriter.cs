namespace Lockbox.WhatsApp.Protobuf;

/// <summary>Writes the protobuf wire format: varint and length-delimited fields, in the order called.</summary>
internal sealed class ProtoWriter
{
    private readonly List<byte> _buffer = [];

    public int Length => _buffer.Count;

    public void WriteVarintField(int field, ulong value)
    {
        WriteTag(field, WireType.Varint);
        WriteVarint(value);
    }

    public void WriteBytesField(int field, ReadOnlySpan<byte> value)
    {
        WriteTag(field, WireType.LengthDelimited);
        WriteVarint((ulong)value.Length);
        foreach (byte b in value)
            _buffer.Add(b);
    }

    public void WriteMessageField(int field, ProtoWriter message) => WriteBytesField(field, message.ToArray());

    public byte[] ToArray() => [.. _buffer];

    private void WriteTag(int field, WireType wireType)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(field);
        WriteVarint(((ulong)field << 3) | (ulong)wireType);
    }

    private void WriteVarint(ulong value)
    {
        while (value >= 0x80)
        {
            _buffer.Add((byte)(value | 0x80));
            value >>= 7;
        }
        _buffer.Add((byte)value);
    }
}
