using Lockbox.Repository.Format.Pack;

namespace Lockbox.Repository.Format.Index;

/// <summary>
/// A pack entry's fields without its id, offset and sealed length, in 8 bytes (docs/PERFORMANCE.md, "The index at 40 bytes
/// a blob"): payload length (bits 0-31), raw length (bits 32-58: at most <see cref="PackEntry.MaxRawLength"/>, 2^26),
/// compression (bits 59-63). The offset and the sealed length come from the pack's layout (<see cref="PackLayout"/>).
/// </summary>
internal static class EntryFields
{
    public static ulong Pack(in PackEntry e) => e.PayloadLength | (ulong)e.RawLength << 32 | (ulong)e.Compression << 59;

    public static uint PayloadLength(ulong fields) => (uint)fields;
    public static uint RawLength(ulong fields) => (uint)(fields >> 32) & ((1u << 27) - 1);
    public static byte Compression(ulong fields) => (byte)(fields >> 59);
}
