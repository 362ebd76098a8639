using System.Buffers.Binary;
using Lockbox.Cryptography;
using Lockbox.Repository.Format;
using Lockbox.Repository.Format.Pack;

namespace Lockbox.Fuzz.Targets;

/// <summary>
/// A pack's header (<c>PackReader.ReadHeader</c>). Mode byte 0: the pack as stored, under the fixed test key
/// (trailer length, salt, authentication). Mode 1: u16 body length || header in clear; the target builds
/// salt || body || sealed header || length with the real pack cipher, so the entry parser and bounds checks
/// are reached. Allowed: CorruptDataException.
/// </summary>
public sealed class PackHeaderTarget : IFuzzTarget
{
    private static readonly byte[] Salt = [.. Enumerable.Range(0xC0, FormatConstants.PackSaltSize).Select(i => (byte)i)];

    public string Name => "pack-header";

    public string Allows => "CorruptDataException";

    public void Run(ReadOnlySpan<byte> data)
    {
        if (data.IsEmpty) return;
        byte[] pack;
        if (data[0] % 2 == 0)
        {
            pack = data[1..].ToArray();
        }
        else
        {
            if (data.Length < 3) return;
            pack = Build(BinaryPrimitives.ReadUInt16LittleEndian(data[1..]), data[3..]);
        }
        try
        {
            _ = PackReader.ReadHeader(TestKeys.Repository, pack);
        }
        catch (CorruptDataException)
        {
        }
    }

    /// <summary>salt || zero body || header sealed as PackWriter seals it || sealed length (u32 LE).</summary>
    private static byte[] Build(int bodyLength, ReadOnlySpan<byte> header)
    {
        int sealedLength = header.Length + Aead.Overhead;
        byte[] pack = new byte[Salt.Length + bodyLength + sealedLength + 4];
        Salt.CopyTo(pack, 0);
        using (var cipher = new PackCipher(TestKeys.Repository, Salt))
            cipher.Seal(header, FormatConstants.PackHeaderAd, pack.AsSpan(Salt.Length + bodyLength, sealedLength));
        BinaryPrimitives.WriteUInt32LittleEndian(pack.AsSpan(pack.Length - 4), (uint)sealedLength);
        return pack;
    }

    public IEnumerable<KeyValuePair<string, byte[]>> Seeds()
    {
        FinishedPack pack = RepositorySamples.Pack();
        byte[] bytes = pack.Bytes.ToArray();
        yield return new("pack.bin", [0, .. bytes]);

        // The same header in clear, with the real body length.
        uint sealedLength = BinaryPrimitives.ReadUInt32LittleEndian(bytes.AsSpan(bytes.Length - 4));
        int headerStart = bytes.Length - 4 - (int)sealedLength;
        using var cipher = new PackCipher(TestKeys.Repository, bytes.AsSpan(0, FormatConstants.PackSaltSize));
        byte[] header = new byte[sealedLength - Aead.Overhead];
        if (!cipher.TryOpen(bytes.AsSpan(headerStart, (int)sealedLength), FormatConstants.PackHeaderAd, header))
            throw new InvalidOperationException("The seed pack's header does not open.");
        byte[] length = new byte[2];
        BinaryPrimitives.WriteUInt16LittleEndian(length, (ushort)(headerStart - FormatConstants.PackSaltSize));
        yield return new("pack-header-clear.bin", [1, .. length, .. header]);
    }
}
