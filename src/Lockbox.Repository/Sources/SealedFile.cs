namespace Lockbox.Repository.Sources;

/// <summary>
/// One sealed scratch file as the <see cref="SealedVfs"/> serves it to SQLite: reads and writes at any offset and length
/// in plaintext terms, mapped onto whole sealed records of the inner file (a partial record is read, opened, patched and
/// sealed again under a fresh nonce). Every record below <see cref="Length"/> exists and authenticates: a write past the
/// end first seals the zero records of the gap, and the tail of the last record past <see cref="Length"/> is kept zero.
/// The plaintext length lives here, in memory, not in the file.
/// </summary>
internal sealed class SealedFile
{
    private readonly Lock _gate = new();
    private SealedVfs.InnerFile _inner;
    private byte[]? _plain;
    private byte[]? _sealed;
    private int _state; // 0 new, 1 reserved by an xOpen in progress, 2 open, 3 closed (never opened again)
    private long _length;

    public SealedFile(string path, SealedRecords records)
    {
        Path = path;
        Name = System.IO.Path.GetFileName(path);
        Records = records;
    }

    public string Path { get; }
    public string Name { get; }
    public SealedRecords Records { get; }

    /// <summary>Plaintext bytes in the file.</summary>
    public long Length
    {
        get { lock (_gate) return _length; }
    }

    /// <summary>Whether SQLite opened the file and closed it again (then it holds a finished copy).</summary>
    public bool Closed
    {
        get { lock (_gate) return _state == 3; }
    }

    /// <summary>The one open this file allows: a second connection to the same sealed file is refused.</summary>
    internal bool TryReserve()
    {
        lock (_gate)
        {
            if (_state != 0) return false;
            _state = 1;
            return true;
        }
    }

    internal void Release()
    {
        lock (_gate) if (_state == 1) _state = 0;
    }

    internal void Attach(SealedVfs.InnerFile inner)
    {
        lock (_gate)
        {
            _inner = inner;
            _plain = new byte[Records.RecordSize];
            _sealed = new byte[Records.SealedRecordSize];
            _state = 2;
        }
    }

    internal void Detach()
    {
        lock (_gate)
        {
            if (_plain is not null) Array.Clear(_plain);
            _plain = null;
            _sealed = null;
            _inner = default;
            _state = 3;
        }
    }

    /// <summary>SQLite's xRead: the bytes at <paramref name="offset"/>; past the end zero-filled with SQLITE_IOERR_SHORT_READ.</summary>
    internal int Read(Span<byte> into, long offset)
    {
        lock (_gate)
        {
            if (_state != 2 || offset < 0) return SealedVfs.SQLITE_IOERR_READ;
            int available = (int)Math.Clamp(_length - offset, 0, into.Length);
            int rc = SealedVfs.SQLITE_OK;
            int done = 0;
            int r = Records.RecordSize;
            while (done < available && rc == SealedVfs.SQLITE_OK)
            {
                long position = offset + done;
                long record = position / r;
                int within = (int)(position % r);
                int n = Math.Min(r - within, available - done);
                rc = Load(record, _plain!);
                if (rc == SealedVfs.SQLITE_OK) _plain.AsSpan(within, n).CopyTo(into.Slice(done, n));
                done += n;
            }
            if (rc != SealedVfs.SQLITE_OK)
            {
                into.Clear();
                return rc;
            }
            if (available < into.Length)
            {
                into[available..].Clear();
                return SealedVfs.SQLITE_IOERR_SHORT_READ;
            }
            return SealedVfs.SQLITE_OK;
        }
    }

    /// <summary>SQLite's xWrite: whole records are sealed straight from <paramref name="data"/>, partial ones read-modify-written.</summary>
    internal int Write(ReadOnlySpan<byte> data, long offset)
    {
        lock (_gate)
        {
            if (_state != 2 || offset < 0) return SealedVfs.SQLITE_IOERR_WRITE;
            int r = Records.RecordSize;
            int rc = FillGap(offset / r);
            int done = 0;
            while (done < data.Length && rc == SealedVfs.SQLITE_OK)
            {
                long position = offset + done;
                long record = position / r;
                int within = (int)(position % r);
                int n = Math.Min(r - within, data.Length - done);
                if (n == r)
                {
                    rc = Store(record, data.Slice(done, n));
                }
                else
                {
                    rc = record < Records.RecordsFor(_length) ? Load(record, _plain!) : Zero(_plain!);
                    if (rc == SealedVfs.SQLITE_OK)
                    {
                        data.Slice(done, n).CopyTo(_plain.AsSpan(within, n));
                        rc = Store(record, _plain);
                    }
                }
                done += n;
                if (rc == SealedVfs.SQLITE_OK) _length = Math.Max(_length, offset + done);
            }
            return rc == SealedVfs.SQLITE_OK ? rc : SealedVfs.SQLITE_IOERR_WRITE;
        }
    }

    /// <summary>SQLite's xTruncate: drops whole records past the new end and zeroes the rest of the last one; a larger size extends with zeros.</summary>
    internal int Truncate(long size)
    {
        lock (_gate)
        {
            if (_state != 2 || size < 0) return SealedVfs.SQLITE_IOERR_TRUNCATE;
            int r = Records.RecordSize;
            int rc;
            if (size >= _length)
            {
                rc = FillGap(Records.RecordsFor(size));
                if (rc == SealedVfs.SQLITE_OK) _length = size;
                return rc == SealedVfs.SQLITE_OK ? rc : SealedVfs.SQLITE_IOERR_TRUNCATE;
            }
            long records = Records.RecordsFor(size);
            rc = _inner.Truncate(Records.SealedOffset(records));
            if (rc == SealedVfs.SQLITE_OK && size % r != 0)
            {
                rc = Load(records - 1, _plain!);
                if (rc == SealedVfs.SQLITE_OK)
                {
                    _plain.AsSpan((int)(size % r)).Clear();
                    rc = Store(records - 1, _plain);
                }
            }
            if (rc == SealedVfs.SQLITE_OK) _length = size;
            return rc == SealedVfs.SQLITE_OK ? rc : SealedVfs.SQLITE_IOERR_TRUNCATE;
        }
    }

    /// <summary>Seals zero records from the current end up to (not including) <paramref name="record"/>, so no record below the length is missing.</summary>
    private int FillGap(long record)
    {
        long have = Records.RecordsFor(_length); // a partial last record keeps its zero tail and stays as it is
        for (long k = have; k < record; k++)
        {
            Zero(_plain!);
            int rc = Store(k, _plain);
            if (rc != SealedVfs.SQLITE_OK) return rc;
            _length = (k + 1) * Records.RecordSize;
        }
        return SealedVfs.SQLITE_OK;
    }

    private static int Zero(byte[] plain)
    {
        Array.Clear(plain);
        return SealedVfs.SQLITE_OK;
    }

    private int Load(long record, Span<byte> plain)
    {
        int rc = _inner.Read(_sealed, Records.SealedOffset(record));
        if (rc == SealedVfs.SQLITE_IOERR_SHORT_READ) return SealedVfs.SQLITE_IOERR_DATA; // cut short behind our back
        if (rc != SealedVfs.SQLITE_OK) return rc;
        return Records.TryOpen(record, _sealed, plain) ? SealedVfs.SQLITE_OK : SealedVfs.SQLITE_IOERR_DATA;
    }

    private int Store(long record, ReadOnlySpan<byte> plain)
    {
        Records.Seal(record, plain, _sealed);
        return _inner.Write(_sealed, Records.SealedOffset(record));
    }
}
