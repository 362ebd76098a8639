using System.Buffers;
using System.Buffers.Binary;
using System.Text;

namespace Lockbox.Vault.Core.Commands;

/// <summary>Writes the big-endian, length-prefixed fields of log entries and snapshots.</summary>
internal sealed class FieldWriter
{
    private readonly ArrayBufferWriter<byte> _buffer = new(256);

    public void U8(byte value)
    {
        _buffer.GetSpan(1)[0] = value;
        _buffer.Advance(1);
    }

    public void I32(int value)
    {
        BinaryPrimitives.WriteInt32BigEndian(_buffer.GetSpan(4), value);
        _buffer.Advance(4);
    }

    public void I64(long value)
    {
        BinaryPrimitives.WriteInt64BigEndian(_buffer.GetSpan(8), value);
        _buffer.Advance(8);
    }

    public void Bytes(ReadOnlySpan<byte> value)
    {
        I32(value.Length);
        _buffer.Write(value);
    }

    public void Text(string value) => Bytes(Encoding.UTF8.GetBytes(value));

    public byte[] ToArray() => _buffer.WrittenSpan.ToArray();
}

/// <summary>Reads what <see cref="FieldWriter"/> wrote; any inconsistency is a <see cref="FormatException"/>.</summary>
internal sealed class FieldReader(byte[] data)
{
    private int _offset;

    public bool AtEnd => _offset == data.Length;

    public byte U8() => Take(1)[0];

    public int I32() => BinaryPrimitives.ReadInt32BigEndian(Take(4));

    public long I64() => BinaryPrimitives.ReadInt64BigEndian(Take(8));

    public byte[] Bytes()
    {
        int length = I32();
        if (length < 0) throw new FormatException("Negative field length.");
        return Take(length).ToArray();
    }

    public string Text() => Encoding.UTF8.GetString(Bytes());

    private ReadOnlySpan<byte> Take(int count)
    {
        if (count > data.Length - _offset) throw new FormatException("Field runs past the end of the entry.");
        ReadOnlySpan<byte> span = data.AsSpan(_offset, count);
        _offset += count;
        return span;
    }
}
