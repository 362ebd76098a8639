using System.Security.Cryptography;
using Lockbox.Cryptography;

namespace Lockbox.Repository.Format.Pack;

/// <summary>
/// Builds one pack in memory (FORMAT.md "Pack"): salt (32) || blob_1 || … || blob_n || sealed header || u32 header length.
/// No I/O; the engine uploads <see cref="Finish"/>'s bytes under the name derived from their SHA-256.
/// </summary>
internal sealed class PackWriter : IDisposable
{
    private readonly RepositoryKeys _keys;
    private readonly byte[] _salt = RandomNumberGenerator.GetBytes(FormatConstants.PackSaltSize);
    private readonly PackCipher _cipher;
    private readonly List<PackEntry> _entries = [];
    private byte[] _buffer;
    private int _length;

    /// <param name="capacity">Bytes the pack may reach (target size plus the largest blob), so the buffer never grows.</param>
    public PackWriter(RepositoryKeys keys, int capacity)
    {
        _keys = keys;
        _cipher = new PackCipher(keys, _salt);
        _buffer = PackBufferPool.Rent(capacity + (1 << 16));
        _salt.CopyTo(_buffer, 0);
        _length = _salt.Length;
    }

    public int Length => _length;
    public int Count => _entries.Count;

    /// <summary>
    /// Adds a blob: its payload (raw, or zstd of raw) is zero-padded by Padmé, then sealed with ad = blob id. The payload is
    /// copied into its place in the pack and encrypted there (AES-GCM in place), so no frame buffer is rented per blob.
    /// </summary>
    public void Add(BlobId id, ReadOnlySpan<byte> payload, byte compression, int rawLength)
    {
        int frameLength = Chunking.Padme.PaddedLength(payload.Length);
        int sealedLength = frameLength + Aead.Overhead;
        Ensure(sealedLength);
        Span<byte> frame = _buffer.AsSpan(_length + Aead.NonceSize, frameLength);
        payload.CopyTo(frame);
        frame[payload.Length..].Clear();
        Span<byte> ad = stackalloc byte[BlobId.Size];
        id.CopyTo(ad);
        _cipher.Seal(frame, ad, _buffer.AsSpan(_length, sealedLength));
        _entries.Add(new PackEntry(id, (uint)_length, (uint)sealedLength, (uint)payload.Length, (uint)rawLength, compression));
        _length += sealedLength;
    }

    /// <summary>Seals the header, appends it, re-reads it as a reader would, and returns the finished pack.</summary>
    public FinishedPack Finish()
    {
        var w = new ByteWriter(5 + _entries.Count * PackEntry.EncodedSize);
        w.U8(FormatConstants.Version);
        w.U32((uint)_entries.Count);
        foreach (PackEntry e in _entries) e.Write(w);
        int sealedLength = w.Length + Aead.Overhead;
        Ensure(sealedLength + 4);
        _cipher.Seal(w.Written, FormatConstants.PackHeaderAd, _buffer.AsSpan(_length, sealedLength));
        _length += sealedLength;
        System.Buffers.Binary.BinaryPrimitives.WriteUInt32LittleEndian(_buffer.AsSpan(_length), (uint)sealedLength);
        _length += 4;
        ReadOnlySpan<byte> bytes = _buffer.AsSpan(0, _length);
        PackEntry[] check = PackReader.ReadHeader(_keys, bytes);
        if (!check.AsSpan().SequenceEqual(System.Runtime.InteropServices.CollectionsMarshal.AsSpan(_entries)))
            throw new InvalidOperationException("pack header did not read back as written");
        BlobId packId = BlobId.Read(SHA256.HashData(bytes));
        var finished = new FinishedPack(packId, _buffer, _length, check);
        _buffer = [];
        return finished;
    }

    private void Ensure(int more)
    {
        if (_length + more <= _buffer.Length) return;
        byte[] bigger = PackBufferPool.Rent(Math.Max(_buffer.Length * 2, _length + more));
        _buffer.AsSpan(0, _length).CopyTo(bigger);
        PackBufferPool.Return(_buffer);
        _buffer = bigger;
    }

    public void Dispose()
    {
        _cipher.Dispose();
        PackBufferPool.Return(_buffer);
        _buffer = [];
    }
}

/// <summary>A finished pack: its id (SHA-256 of its bytes), bytes and entries. <see cref="Release"/> gives the buffer back once stored.</summary>
internal sealed class FinishedPack(BlobId id, byte[] buffer, int length, PackEntry[] entries)
{
    private byte[] _buffer = buffer;

    public BlobId Id => id;
    public PackEntry[] Entries => entries;
    public int Length => length;
    public ReadOnlyMemory<byte> Bytes => _buffer.AsMemory(0, length);
    public string Name => FormatConstants.PackName(id);

    public void Release()
    {
        PackBufferPool.Return(_buffer);
        _buffer = [];
    }
}
