using System.Buffers.Binary;
using System.Text;

namespace Lockbox.Repository.Format;

/// <summary>Little-endian decoder for untrusted (but already authenticated) payloads; any overrun is <see cref="CorruptDataException"/>.</summary>
internal ref struct ByteReader(ReadOnlySpan<byte> data)
{
    private static readonly UTF8Encoding StrictUtf8 = new(false, true);
    private readonly ReadOnlySpan<byte> _data = data;
    private int _position;

    public readonly int Remaining => _data.Length - _position;

    public byte U8() => Take(1)[0];
    public ushort U16() => BinaryPrimitives.ReadUInt16LittleEndian(Take(2));
    public uint U32() => BinaryPrimitives.ReadUInt32LittleEndian(Take(4));
    public ulong U64() => BinaryPrimitives.ReadUInt64LittleEndian(Take(8));
    public long I64() => BinaryPrimitives.ReadInt64LittleEndian(Take(8));
    public ReadOnlySpan<byte> Bytes(int n) => Take(n);
    public BlobId Id() => BlobId.Read(Take(BlobId.Size));

    /// <summary>A count of items each at least <paramref name="minItemSize"/> bytes, checked against what is left.</summary>
    public int Count(int minItemSize)
    {
        uint n = U32();
        if (n > int.MaxValue || (long)n * Math.Max(minItemSize, 1) > Remaining) throw new CorruptDataException("item count exceeds the data");
        return (int)n;
    }

    public string Str()
    {
        uint n = U32();
        if (n > Remaining) throw new CorruptDataException("string length exceeds the data");
        try
        {
            return StrictUtf8.GetString(Take((int)n));
        }
        catch (DecoderFallbackException)
        {
            throw new CorruptDataException("invalid UTF-8");
        }
    }

    public readonly void End()
    {
        if (Remaining != 0) throw new CorruptDataException("unexpected trailing bytes");
    }

    private ReadOnlySpan<byte> Take(int n)
    {
        if (n < 0 || n > Remaining) throw new CorruptDataException("truncated");
        ReadOnlySpan<byte> span = _data.Slice(_position, n);
        _position += n;
        return span;
    }
}
