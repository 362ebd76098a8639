using System.Security.Cryptography;

namespace Lockbox.Repository.Sources;

/// <summary>
/// The plaintext of a <see cref="SqliteSnapshot"/>, front to back: whole sealed records are read and opened about 512 KiB
/// at a time (so the sealed read buffer stays within the shared array pool's sizes) (<see cref="SqliteSnapshot.ReadAt(long, Span{byte})"/>) into a buffer that is zeroed on dispose. Read-only, not seekable.
/// </summary>
internal sealed class SealedCopyStream : Stream
{
    private const int ChunkTarget = 1 << 19;

    private readonly SqliteSnapshot _copy;
    private readonly byte[] _buffer;
    private long _position;     // next plaintext byte the caller gets
    private long _bufferStart;  // copy offset of _buffer[0]
    private int _buffered;      // valid bytes in _buffer
    private bool _disposed;

    public SealedCopyStream(SqliteSnapshot copy)
    {
        _copy = copy;
        int page = Math.Max(copy.PageSize, 512);
        _buffer = new byte[Math.Max(page, ChunkTarget / page * page)];
    }

    public override bool CanRead => !_disposed;
    public override bool CanSeek => false;
    public override bool CanWrite => false;
    public override long Length => _copy.Length;

    public override long Position
    {
        get => _position;
        set => throw new NotSupportedException();
    }

    public override int Read(Span<byte> buffer)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        int done = 0;
        while (done < buffer.Length && _position < _copy.Length)
        {
            if (_position >= _bufferStart + _buffered)
            {
                _bufferStart = _position;
                _buffered = (int)Math.Min(_buffer.Length, _copy.Length - _position);
                _copy.ReadAt(_bufferStart, _buffer.AsSpan(0, _buffered));
            }
            int at = (int)(_position - _bufferStart);
            int n = Math.Min(buffer.Length - done, _buffered - at);
            _buffer.AsSpan(at, n).CopyTo(buffer[done..]);
            done += n;
            _position += n;
        }
        return done;
    }

    public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

    public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        cancellationToken.ThrowIfCancellationRequested();
        return ValueTask.FromResult(Read(buffer.Span));
    }

    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    public override void Flush() { }
    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
    public override void SetLength(long value) => throw new NotSupportedException();
    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

    protected override void Dispose(bool disposing)
    {
        if (!_disposed)
        {
            _disposed = true;
            CryptographicOperations.ZeroMemory(_buffer);
        }
        base.Dispose(disposing);
    }
}
