using System.Buffers.Binary;
using System.Collections.Concurrent;
using System.Security.Cryptography;

namespace Lockbox.Repository.Sources;

/// <summary>
/// The record layout and cipher of a sealed scratch copy (SECURITY.md, "Sealed scratch copy"): the plaintext file is cut
/// into records of <see cref="RecordSize"/> bytes, and record <c>i</c> is stored at <c>i * SealedRecordSize</c> as
/// <c>nonce (12) || AES-256-GCM(key, nonce, record, ad = i as u64 LE) (RecordSize) || tag (16)</c>. The key is 32 random
/// bytes made here, held in pinned memory, never written anywhere, zeroed on dispose. The nonce is 4 zero bytes and a
/// 64-bit counter that every seal increments, so no nonce repeats under a key however often a record is rewritten.
/// A record sealed more than once opens only under its newest nonce: an older ciphertext of it, saved and put back into
/// the file, is refused like any other change (a record sealed once has no older ciphertext). That costs a bit per
/// record plus an entry per rewritten record (a handful: page 1, cache spills), not a counter per page.
/// No I/O: the VFS (<see cref="SealedVfs"/>) and the reader (<see cref="SqliteSnapshot"/>) move the bytes.
/// </summary>
internal sealed class SealedRecords : IDisposable
{
    public const int NonceSize = 12;
    public const int TagSize = 16;
    public const int Overhead = NonceSize + TagSize;
    public const int KeySize = 32;

    private readonly byte[] _key = GC.AllocateArray<byte>(KeySize, pinned: true);
    private readonly ConcurrentBag<AesGcm> _ciphers = [];
    private long _counter;
    private readonly Lock _history = new();
    private ulong[] _sealedOnce = [];                   // bit i: record i was sealed at least once
    private readonly Dictionary<long, ulong> _newest = []; // counter of the newest seal of each record sealed again
    private volatile bool _disposed;

    /// <param name="recordSize">Plaintext bytes per record: the database's page size, so that SQLite's page writes seal whole records.</param>
    public SealedRecords(int recordSize)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(recordSize, 16);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(recordSize, 1 << 16);
        RecordSize = recordSize;
        RandomNumberGenerator.Fill(_key);
    }

    public int RecordSize { get; }
    public int SealedRecordSize => RecordSize + Overhead;

    /// <summary>Records needed to hold <paramref name="length"/> plaintext bytes (the last one zero-padded).</summary>
    public long RecordsFor(long length) => (length + RecordSize - 1) / RecordSize;

    /// <summary>Where record <paramref name="record"/> starts in the sealed file.</summary>
    public long SealedOffset(long record) => record * SealedRecordSize;

    /// <summary>Seals one whole record (exactly <see cref="RecordSize"/> bytes) into <paramref name="sealedRecord"/> (exactly <see cref="SealedRecordSize"/>).</summary>
    public void Seal(long record, ReadOnlySpan<byte> plaintext, Span<byte> sealedRecord)
    {
        if (plaintext.Length != RecordSize || sealedRecord.Length != SealedRecordSize) throw new ArgumentException("A record is sealed whole.");
        Span<byte> nonce = sealedRecord[..NonceSize];
        ulong counter = (ulong)Interlocked.Increment(ref _counter);
        BinaryPrimitives.WriteUInt32LittleEndian(nonce, 0);
        BinaryPrimitives.WriteUInt64LittleEndian(nonce[4..], counter);
        Remember(record, counter);
        Span<byte> ad = stackalloc byte[8];
        BinaryPrimitives.WriteInt64LittleEndian(ad, record);
        AesGcm cipher = Rent();
        try
        {
            cipher.Encrypt(nonce, plaintext, sealedRecord.Slice(NonceSize, RecordSize), sealedRecord.Slice(NonceSize + RecordSize, TagSize), ad);
        }
        finally
        {
            _ciphers.Add(cipher);
        }
    }

    /// <summary>Opens record <paramref name="record"/>; false (and a zeroed <paramref name="plaintext"/>) when it was changed or moved.</summary>
    public bool TryOpen(long record, ReadOnlySpan<byte> sealedRecord, Span<byte> plaintext)
    {
        if (plaintext.Length != RecordSize || sealedRecord.Length != SealedRecordSize) throw new ArgumentException("A record is opened whole.");
        Span<byte> ad = stackalloc byte[8];
        BinaryPrimitives.WriteInt64LittleEndian(ad, record);
        AesGcm cipher = Rent();
        try
        {
            cipher.Decrypt(sealedRecord[..NonceSize], sealedRecord.Slice(NonceSize, RecordSize), sealedRecord.Slice(NonceSize + RecordSize, TagSize), plaintext, ad);
            if (IsNewest(record, BinaryPrimitives.ReadUInt64LittleEndian(sealedRecord[4..NonceSize]))) return true;
            plaintext.Clear();
            return false;
        }
        catch (AuthenticationTagMismatchException)
        {
            return false;
        }
        finally
        {
            _ciphers.Add(cipher);
        }
    }

    private void Remember(long record, ulong counter)
    {
        lock (_history)
        {
            long word = record >> 6;
            if (word >= _sealedOnce.Length) Array.Resize(ref _sealedOnce, (int)Math.Max(word + 1, _sealedOnce.Length * 2L));
            ulong bit = 1UL << (int)(record & 63);
            if ((_sealedOnce[word] & bit) != 0) _newest[record] = counter;
            else _sealedOnce[word] |= bit;
        }
    }

    /// <summary>Whether <paramref name="counter"/> is the newest seal of <paramref name="record"/> (always, for a record sealed once).</summary>
    private bool IsNewest(long record, ulong counter)
    {
        lock (_history) return !_newest.TryGetValue(record, out ulong newest) || newest == counter;
    }

    /// <summary>A cipher for one operation: AesGcm is not thread-safe, and the delta phase reads on every core.</summary>
    private AesGcm Rent()
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        return _ciphers.TryTake(out AesGcm? cipher) ? cipher : new AesGcm(_key, TagSize);
    }

    public void Dispose()
    {
        _disposed = true;
        while (_ciphers.TryTake(out AesGcm? cipher)) cipher.Dispose();
        CryptographicOperations.ZeroMemory(_key);
    }

    public override string ToString() => $"sealed records of {RecordSize} bytes";
}
