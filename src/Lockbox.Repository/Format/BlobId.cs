using System.Buffers.Binary;
using System.Runtime.InteropServices;

namespace Lockbox.Repository.Format;

/// <summary>A 32-byte identifier: a blob's keyed hash, or a pack's / metadata object's SHA-256.</summary>
[StructLayout(LayoutKind.Sequential)]
internal readonly struct BlobId : IEquatable<BlobId>
{
    public const int Size = 32;
    private readonly ulong _a, _b, _c, _d;

    private BlobId(ulong a, ulong b, ulong c, ulong d) { _a = a; _b = b; _c = c; _d = d; }

    public static BlobId Read(ReadOnlySpan<byte> source)
    {
        if (source.Length < Size) throw new CorruptDataException("truncated id");
        return new BlobId(
            BinaryPrimitives.ReadUInt64LittleEndian(source),
            BinaryPrimitives.ReadUInt64LittleEndian(source[8..]),
            BinaryPrimitives.ReadUInt64LittleEndian(source[16..]),
            BinaryPrimitives.ReadUInt64LittleEndian(source[24..]));
    }

    public static bool TryParseHex(string hex, out BlobId id)
    {
        id = default;
        if (hex.Length != Size * 2) return false;
        Span<byte> raw = stackalloc byte[Size];
        if (Convert.FromHexString(hex, raw, out _, out int written) != System.Buffers.OperationStatus.Done || written != Size) return false;
        if (!hex.All(c => c is (>= '0' and <= '9') or (>= 'a' and <= 'f'))) return false;
        id = Read(raw);
        return true;
    }

    public void CopyTo(Span<byte> destination)
    {
        BinaryPrimitives.WriteUInt64LittleEndian(destination, _a);
        BinaryPrimitives.WriteUInt64LittleEndian(destination[8..], _b);
        BinaryPrimitives.WriteUInt64LittleEndian(destination[16..], _c);
        BinaryPrimitives.WriteUInt64LittleEndian(destination[24..], _d);
    }

    public byte[] ToArray()
    {
        byte[] b = new byte[Size];
        CopyTo(b);
        return b;
    }

    public bool IsZero => (_a | _b | _c | _d) == 0;

    public string ToHex()
    {
        Span<byte> raw = stackalloc byte[Size];
        CopyTo(raw);
        return Convert.ToHexStringLower(raw);
    }

    public bool Equals(BlobId other) => _a == other._a && _b == other._b && _c == other._c && _d == other._d;
    public override bool Equals(object? obj) => obj is BlobId other && Equals(other);
    public override int GetHashCode() => (int)_a ^ (int)(_a >> 32);
    public static bool operator ==(BlobId left, BlobId right) => left.Equals(right);
    public static bool operator !=(BlobId left, BlobId right) => !left.Equals(right);
    public override string ToString() => ToHex();
}
