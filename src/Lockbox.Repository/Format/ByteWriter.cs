using System.Buffers.Binary;
using System.Text;

namespace Lockbox.Repository.Format;

/// <summary>Little-endian encoder for the format's binary payloads (docs/FORMAT.md, "Encoding").</summary>
internal sealed class ByteWriter(int capacity = 256)
{
    private byte[] _buffer = new byte[Math.Max(capacity, 16)];

    public int Length { get; private set; }

    public ReadOnlySpan<byte> Written => _buffer.AsSpan(0, Length);

    public void U8(byte value) => Take(1)[0] = value;
    public void U16(ushort value) => BinaryPrimitives.WriteUInt16LittleEndian(Take(2), value);
    public void U32(uint value) => BinaryPrimitives.WriteUInt32LittleEndian(Take(4), value);
    public void U64(ulong value) => BinaryPrimitives.WriteUInt64LittleEndian(Take(8), value);
    public void I64(long value) => BinaryPrimitives.WriteInt64LittleEndian(Take(8), value);
    public void Bytes(ReadOnlySpan<byte> value) => value.CopyTo(Take(value.Length));
    public void Id(BlobId id) => id.CopyTo(Take(BlobId.Size));

    /// <summary>u32 length || UTF-8 bytes.</summary>
    public void Str(string value)
    {
        int n = Encoding.UTF8.GetByteCount(value);
        U32((uint)n);
        Encoding.UTF8.GetBytes(value, Take(n));
    }

    public byte[] ToArray() => Written.ToArray();

    private Span<byte> Take(int n)
    {
        if (Length + n > _buffer.Length)
            Array.Resize(ref _buffer, Math.Max(_buffer.Length * 2, Length + n));
        Span<byte> span = _buffer.AsSpan(Length, n);
        Length += n;
        return span;
    }
}
