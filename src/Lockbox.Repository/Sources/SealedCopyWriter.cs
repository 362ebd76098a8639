using System.Security.Cryptography;
using Microsoft.Win32.SafeHandles;

namespace Lockbox.Repository.Sources;

/// <summary>
/// A sealed copy written front to back by a producer instead of by SQLite (a WhatsApp import decrypts straight into it):
/// the same file and records as the VFS writes (<see cref="SealedRecords"/>, record size = the database's page size, read
/// from the header the producer writes first), so the plaintext never reaches the disk. Write-only, not seekable;
/// <see cref="Finish"/> turns it into the <see cref="SqliteSnapshot"/> the engine reads. Disposed unfinished, it zeroes
/// its key and buffer and deletes the file.
/// </summary>
internal sealed class SealedCopyWriter : Stream
{
    private const int HeaderBytes = 18; // "SQLite format 3\0" and the big-endian page size

    private readonly string _path;
    private readonly string _databaseName;
    private SafeFileHandle? _handle;
    private readonly byte[] _pending = new byte[1 << 16];
    private byte[]? _sealed;
    private int _pendingLength;
    private SealedRecords? _records;
    private long _record;
    private long _length;
    private bool _finished;
    private bool _notSqlite; // the header was not SQLite's: the rest is counted, not kept, and Finish refuses it

    public SealedCopyWriter(string path, SafeFileHandle handle, string databaseName)
    {
        _path = path;
        _handle = handle;
        _databaseName = databaseName;
    }

    public override bool CanRead => false;
    public override bool CanSeek => false;
    public override bool CanWrite => _handle is not null;
    public override long Length => _length;

    public override long Position
    {
        get => _length;
        set => throw new NotSupportedException();
    }

    public override void Write(ReadOnlySpan<byte> buffer)
    {
        ObjectDisposedException.ThrowIf(_handle is null, this);
        if (_notSqlite)
        {
            _length += buffer.Length;
            return;
        }
        while (!buffer.IsEmpty)
        {
            int room = (_records?.RecordSize ?? HeaderBytes) - _pendingLength;
            int n = Math.Min(room, buffer.Length);
            buffer[..n].CopyTo(_pending.AsSpan(_pendingLength));
            _pendingLength += n;
            _length += n;
            buffer = buffer[n..];
            if (_records is null && _pendingLength == HeaderBytes)
            {
                // Not thrown from here: the producer (a decryptor) may still find the input damaged, which is the better error.
                if (PageSize() is not { } size)
                {
                    _notSqlite = true;
                    _length += buffer.Length;
                    return;
                }
                _records = new SealedRecords(size);
            }
            else if (_records is not null && _pendingLength == _records.RecordSize) SealPending();
        }
    }

    public override void Write(byte[] buffer, int offset, int count) => Write(buffer.AsSpan(offset, count));

    /// <summary>The page size in the header written so far; null when it is not an SQLite header.</summary>
    private int? PageSize()
    {
        ReadOnlySpan<byte> head = _pending.AsSpan(0, HeaderBytes);
        int size = SqliteSnapshot.PageSizeIn(head);
        return head[..16].SequenceEqual(SqliteSnapshot.Header) && size >= 512 && (size & (size - 1)) == 0 ? size : null;
    }

    private void SealPending()
    {
        SealedRecords records = _records!;
        _pending.AsSpan(_pendingLength, records.RecordSize - _pendingLength).Clear(); // the last record's zero tail
        _sealed ??= new byte[records.SealedRecordSize];
        records.Seal(_record, _pending.AsSpan(0, records.RecordSize), _sealed);
        RandomAccess.Write(_handle!, _sealed, records.SealedOffset(_record));
        _record++;
        _pendingLength = 0;
    }

    /// <summary>The finished copy, for the engine to read; the writer is done (and owns nothing) afterwards.</summary>
    /// <exception cref="SourceException">What was written is not an SQLite database.</exception>
    public SqliteSnapshot Finish()
    {
        ObjectDisposedException.ThrowIf(_handle is null, this);
        if (_length == 0) _records = new SealedRecords(4096); // SQLite treats an empty file as an empty database
        if (_records is null || _notSqlite) throw new SourceException($"{_databaseName} is not an SQLite database");
        if (_pendingLength > 0) SealPending();
        _handle.Dispose();
        _handle = null;
        SafeFileHandle read = File.OpenHandle(_path, FileMode.Open, FileAccess.Read, FileShare.Read);
        _finished = true;
        return new SqliteSnapshot(_path, _records, _length, read, _databaseName);
    }

    public override void Flush() { }
    public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
    public override void SetLength(long value) => throw new NotSupportedException();

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            _handle?.Dispose();
            _handle = null;
            CryptographicOperations.ZeroMemory(_pending);
            if (!_finished)
            {
                _records?.Dispose();
                try { File.Delete(_path); }
                catch (IOException) { }
                catch (UnauthorizedAccessException) { }
            }
        }
        base.Dispose(disposing);
    }
}
