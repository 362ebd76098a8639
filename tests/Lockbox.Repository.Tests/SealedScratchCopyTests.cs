using System.Text;
using Lockbox.Repository.Sources;
using Lockbox.Repository.Tests.Support;
using Microsoft.Data.Sqlite;

namespace Lockbox.Repository.Tests;

/// <summary>
/// The sealed scratch copy (SECURITY.md "Sealed scratch copy", FORMAT.md section 8): the database's consistent copy is
/// never on disk in the clear, reads back as exactly the bytes SQLite's plain online backup gives (so the same block
/// ids), is checked as it is read, and stays consistent while an app writes.
/// </summary>
public sealed class SealedScratchCopyTests
{
    private const string Marker = "SEALED-MARKER-7f3a9c";

    private static readonly byte[] SqliteHeader = "SQLite format 3\0"u8.ToArray();

    /// <summary>A database with the given page size and journal mode whose rows carry <see cref="Marker"/>.</summary>
    private static string MakeDatabase(string folder, int pageSize, bool wal, int rows = 3_000)
    {
        Directory.CreateDirectory(folder);
        string path = Path.Combine(folder, "msgstore.db");
        using var c = new SqliteConnection(ChatData.ConnectionString(path));
        c.Open();
        ChatData.Exec(c, $"PRAGMA page_size={pageSize}; PRAGMA journal_mode={(wal ? "WAL" : "DELETE")}; PRAGMA wal_autocheckpoint=0;");
        ChatData.Exec(c, "CREATE TABLE messages(id INTEGER PRIMARY KEY, chat INTEGER, body TEXT); CREATE INDEX by_chat ON messages(chat);");
        using (var tx = c.BeginTransaction())
        using (var insert = c.CreateCommand())
        {
            insert.CommandText = "INSERT INTO messages(chat, body) VALUES ($chat, $body)";
            var chat = insert.Parameters.Add("$chat", SqliteType.Integer);
            var body = insert.Parameters.Add("$body", SqliteType.Text);
            for (int i = 0; i < rows; i++)
            {
                chat.Value = i % 17;
                body.Value = $"{Marker} message {i} " + new string((char)('a' + i % 26), i % 300);
                insert.ExecuteNonQuery();
            }
            tx.Commit();
        }
        // Leave rows in the -wal as a live app does: they belong in the copy.
        if (wal) ChatData.Exec(c, $"INSERT INTO messages(chat, body) VALUES (99, '{Marker} only in the wal');");
        return path;
    }

    /// <summary>The copy as Lockbox made it before the sealed copy: the plain backup API into a plaintext file (journal off),
    /// then the source's journal mode set on it and the file closed.</summary>
    private static byte[] PlainBackupApiCopy(string database, string folder)
    {
        Directory.CreateDirectory(folder);
        string copy = Path.Combine(folder, "plain.sqlite");
        using (var source = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = database, Mode = SqliteOpenMode.ReadWrite, Pooling = false }.ToString()))
        using (var target = new SqliteConnection(ChatData.ConnectionString(copy)))
        {
            source.Open();
            target.Open();
            bool wal;
            using (var mode = source.CreateCommand())
            {
                mode.CommandText = "PRAGMA journal_mode;";
                wal = string.Equals((string?)mode.ExecuteScalar(), "wal", StringComparison.OrdinalIgnoreCase);
            }
            ChatData.Exec(target, "PRAGMA journal_mode=OFF; PRAGMA synchronous=OFF;");
            source.BackupDatabase(target);
            ChatData.Exec(target, wal ? "PRAGMA journal_mode=WAL;" : "PRAGMA journal_mode=DELETE;");
        }
        return File.ReadAllBytes(copy);
    }

    private static byte[] ReadAll(SqliteSnapshot copy)
    {
        using Stream stream = copy.OpenRead();
        var all = new MemoryStream();
        stream.CopyTo(all, 3_333); // odd reads: the stream serves any length
        return all.ToArray();
    }

    private static bool Contains(byte[] haystack, byte[] needle) => haystack.AsSpan().IndexOf(needle) >= 0;

    private static void AssertNoPlaintextIn(string folder)
    {
        byte[] marker = Encoding.UTF8.GetBytes(Marker);
        foreach (string file in Directory.GetFiles(folder))
        {
            byte[] bytes = File.ReadAllBytes(file);
            Assert.False(Contains(bytes, marker), $"{Path.GetFileName(file)} holds the database's text in the clear");
            Assert.False(Contains(bytes, SqliteHeader), $"{Path.GetFileName(file)} holds an SQLite header in the clear");
        }
    }

    [Theory]
    [InlineData(512, true)]
    [InlineData(512, false)]
    [InlineData(4096, true)]
    [InlineData(4096, false)]
    [InlineData(65536, true)]
    [InlineData(65536, false)]
    public void SealedCopyReadsBackAsThePlainBackupApiCopyAndHoldsNoPlaintext(int pageSize, bool wal)
    {
        using var f = new Fixture();
        string db = MakeDatabase(f.Source, pageSize, wal);
        byte[] expected = PlainBackupApiCopy(db, f.NewFolder("plain"));
        string state = f.NewFolder("state");

        using SqliteSnapshot copy = SqliteSnapshot.Create(db, state);

        Assert.Equal(pageSize, copy.PageSize);
        Assert.Equal(expected.Length, copy.Length);
        byte[] actual = ReadAll(copy);
        Assert.True(expected.AsSpan().SequenceEqual(actual), "the sealed copy must read back as the plain backup API's bytes");
        Assert.Equal(wal ? 2 : 1, actual[18]); // the journal mode travels in the header
        Assert.Equal(wal ? 2 : 1, actual[19]);
        Assert.Equal([copy.Path], Directory.GetFiles(SqliteSnapshot.ScratchFolder(state))); // one file: no journal, no -wal
        AssertNoPlaintextIn(Path.GetDirectoryName(copy.Path)!);
        Assert.Equal(copy.Length / pageSize * (pageSize + SealedRecords.Overhead), new FileInfo(copy.Path).Length);
    }

    [Theory]
    [InlineData(4096, 1000)]  // records smaller than pages and not dividing them: every page write is partial
    [InlineData(512, 700)]
    [InlineData(4096, 16384)] // records of several pages: read-modify-write of each record
    public void RecordsThatDoNotMatchPagesStillGiveTheSameBytes(int pageSize, int recordSize)
    {
        using var f = new Fixture();
        string db = MakeDatabase(f.Source, pageSize, wal: false, rows: 2_000);
        byte[] expected = PlainBackupApiCopy(db, f.NewFolder("plain"));

        using SqliteSnapshot copy = SqliteSnapshot.Create(db, f.NewFolder("state"), recordSize);

        Assert.True(expected.AsSpan().SequenceEqual(ReadAll(copy)));
        // Random access at odd offsets and lengths, as the delta phase reads (and across record boundaries).
        var random = new Random(5);
        for (int i = 0; i < 200; i++)
        {
            int length = random.Next(1, 9000);
            long offset = random.NextInt64(0, copy.Length - length);
            byte[] part = new byte[length];
            copy.ReadAt(offset, part);
            Assert.True(expected.AsSpan((int)offset, length).SequenceEqual(part), $"bytes {offset}+{length}");
        }
        AssertNoPlaintextIn(Path.GetDirectoryName(copy.Path)!);
    }

    [Fact]
    public void AnEmptyDatabaseFileCopiesAsThePlainBackupApiCopiesIt()
    {
        using var f = new Fixture();
        string db = Path.Combine(f.Source, "msgstore.db");
        File.WriteAllBytes(db, []); // SQLite reads an empty file as an empty database

        using SqliteSnapshot copy = SqliteSnapshot.Create(db, f.NewFolder("state"));

        byte[] expected = PlainBackupApiCopy(db, f.NewFolder("plain"));
        Assert.Equal(expected.Length, copy.Length);
        Assert.True(expected.AsSpan().SequenceEqual(ReadAll(copy)));
        Assert.Equal(4096, copy.PageSize);
    }

    [Theory]
    [InlineData(512, 1)]
    [InlineData(4096, 7)]
    [InlineData(65536, 100_000)]
    public void ACopyWrittenByAProducerReadsBackAsWrittenAndHoldsNoPlaintext(int pageSize, int chunk)
    {
        using var f = new Fixture();
        string db = MakeDatabase(f.Source, pageSize, wal: false, rows: 500);
        byte[] expected = File.ReadAllBytes(db);
        string state = f.NewFolder("state");

        // A decryptor writes in chunks of any size (here 1 byte, 7 bytes or 100,000 at a time).
        using SqliteSnapshot copy = SqliteSnapshot.Seal("msgstore.db", state, output =>
        {
            for (int at = 0; at < expected.Length; at += chunk) output.Write(expected, at, Math.Min(chunk, expected.Length - at));
            AssertNoPlaintextIn(SqliteSnapshot.ScratchFolder(state));
            return true;
        })!;

        Assert.Equal(expected.Length, copy.Length);
        Assert.Equal(pageSize, copy.PageSize);
        Assert.True(expected.AsSpan().SequenceEqual(ReadAll(copy)));
        AssertNoPlaintextIn(SqliteSnapshot.ScratchFolder(state));
        Assert.Equal(copy.Length / pageSize * (pageSize + SealedRecords.Overhead), new FileInfo(copy.Path).Length);
    }

    [Fact]
    public void AProducerThatGivesUpOrWritesNoDatabaseLeavesNothing()
    {
        using var f = new Fixture();
        string state = f.NewFolder("state");
        string scratch = SqliteSnapshot.ScratchFolder(state);

        Assert.Null(SqliteSnapshot.Seal("msgstore.db", state, output =>
        {
            output.Write(File.ReadAllBytes(MakeDatabase(f.Source, 4096, wal: false, rows: 50)));
            return false; // say the decryption's last check failed
        }));
        var e = Assert.Throws<SourceException>(() => SqliteSnapshot.Seal("msgstore.db", state, output =>
        {
            output.Write("PK\u0003\u0004 a zip archive, not a database"u8);
            return true;
        }));

        Assert.Equal("msgstore.db is not an SQLite database", e.Message);
        Assert.Empty(Directory.GetFiles(scratch));
    }

    [Fact]
    public void AFlippedByteInTheSealedCopyIsReportedAsChangedOnDisk()
    {
        using var f = new Fixture();
        string db = MakeDatabase(f.Source, 4096, wal: true);
        using SqliteSnapshot copy = SqliteSnapshot.Create(db, f.NewFolder("state"));
        long at = new FileInfo(copy.Path).Length / 2;
        using (var file = new FileStream(copy.Path, FileMode.Open, FileAccess.ReadWrite))
        {
            file.Position = at;
            int b = file.ReadByte();
            file.Position = at;
            file.WriteByte((byte)(b ^ 0x01));
        }

        var e = Assert.Throws<SourceException>(() => ReadAll(copy));

        Assert.Contains("sealed scratch copy of the database msgstore.db was changed on disk", e.Message, StringComparison.Ordinal);
        Assert.Contains("does not authenticate", e.Message, StringComparison.Ordinal);
        Assert.DoesNotContain('\n', e.Message);
    }

    [Fact]
    public void AnOlderCiphertextOfARecordSealedAgainIsRefused()
    {
        using var records = new SealedRecords(512);
        byte[] first = new byte[records.SealedRecordSize], second = new byte[records.SealedRecordSize], once = new byte[records.SealedRecordSize];
        byte[] plain = new byte[512];
        plain.AsSpan().Fill(1);
        records.Seal(3, plain, first);
        plain.AsSpan().Fill(2);
        records.Seal(3, plain, second);   // a page written twice: a cache spill, then the commit
        records.Seal(700, plain, once);   // a page written once (past the first 64 records: the history grows)

        Span<byte> opened = new byte[512];
        Assert.True(records.TryOpen(3, second, opened));
        Assert.Equal(2, opened[0]);
        // The first ciphertext is genuine (this key, this record) but stale: put back, it must not open.
        Assert.False(records.TryOpen(3, first, opened));
        Assert.True(opened.IndexOfAnyExcept((byte)0) < 0);
        Assert.True(records.TryOpen(700, once, opened));
        Assert.False(records.TryOpen(701, once, opened)); // moved to another record
    }

    [Fact]
    public void ASealedCopyCutShortIsReportedAsChangedOnDisk()
    {
        using var f = new Fixture();
        string db = MakeDatabase(f.Source, 4096, wal: false);
        using SqliteSnapshot copy = SqliteSnapshot.Create(db, f.NewFolder("state"));
        using (var file = new FileStream(copy.Path, FileMode.Open, FileAccess.ReadWrite)) file.SetLength(file.Length - 4124);

        var e = Assert.Throws<SourceException>(() => ReadAll(copy));

        Assert.Contains("was changed on disk while the backup ran (it was cut short)", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ABackupWhoseSealedCopyIsChangedStopsWithoutASnapshot()
    {
        using var f = new Fixture();
        // Large enough (about 40 MiB) that the engine reports progress while it reads the copy.
        string db = Path.Combine(f.Source, "msgstore.db");
        using (var c = new SqliteConnection(ChatData.ConnectionString(db)))
        {
            c.Open();
            ChatData.Exec(c, "PRAGMA journal_mode=WAL; CREATE TABLE blobs(id INTEGER PRIMARY KEY, data BLOB);");
            ChatData.Exec(c, "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 10000) INSERT INTO blobs(data) SELECT randomblob(4000) FROM n;");
        }
        string state = f.NewFolder("state");
        await using var repo = await f.InitAsync();
        var tamper = new TamperOnFirstProgress(SqliteSnapshot.ScratchFolder(state));

        var e = await Assert.ThrowsAsync<SourceException>(() => repo.BackupAsync(new BackupSource(db, null) { ScratchDirectory = state }, tamper));

        Assert.True(tamper.Flipped);
        Assert.Contains("was changed on disk while the backup ran", e.Message, StringComparison.Ordinal);
        Assert.Contains("wrote no snapshot", e.Message, StringComparison.Ordinal);
        Assert.Empty(await repo.ListSnapshotsAsync());
        Assert.Empty(Directory.GetFiles(SqliteSnapshot.ScratchFolder(state)));
    }

    /// <summary>Flips a byte near the end of the sealed copy the first time the engine reports progress on the database.</summary>
    private sealed class TamperOnFirstProgress(string scratch) : IProgress<BackupProgress>
    {
        public bool Flipped { get; private set; }

        public void Report(BackupProgress value)
        {
            if (Flipped || value.Phase != "backup") return;
            string copy = Assert.Single(Directory.GetFiles(scratch));
            using var file = new FileStream(copy, FileMode.Open, FileAccess.ReadWrite, FileShare.ReadWrite);
            file.Position = file.Length - 100;
            int b = file.ReadByte();
            file.Position = file.Length - 100;
            file.WriteByte((byte)(b ^ 0x80));
            Flipped = true;
        }
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task NoScratchFileHoldsTheDatabaseInTheClearWhileABackupRuns(bool wal)
    {
        using var f = new Fixture();
        string db = MakeDatabase(f.Source, 4096, wal);
        string state = f.NewFolder("state");
        string scratch = SqliteSnapshot.ScratchFolder(state);
        int looked = 0;
        // The engine reports "finish" after the database is read and before the copy is deleted: the copy is there to look at.
        var progress = new SynchronousProgress(p =>
        {
            if (p.Phase != "finish") return;
            Assert.NotEmpty(Directory.GetFiles(scratch));
            AssertNoPlaintextIn(scratch);
            looked++;
        });
        await using var repo = await f.InitAsync();

        SnapshotSummary s = await repo.BackupAsync(new BackupSource(db, null) { ScratchDirectory = state }, progress);

        Assert.Equal(1, looked);
        Assert.Empty(Directory.GetFiles(scratch));
        RestoreResult r = await repo.RestoreAsync(s.Id, f.NewFolder("out"));
        Assert.Equal(PlainBackupApiCopy(db, f.NewFolder("plain")), File.ReadAllBytes(r.DatabasePath));
    }

    private sealed class SynchronousProgress(Action<BackupProgress> report) : IProgress<BackupProgress>
    {
        public void Report(BackupProgress value) => report(value);
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task ACopyTakenWhileAnotherConnectionWritesIsConsistent(bool wal)
    {
        using var f = new Fixture();
        string db = MakeDatabase(f.Source, 4096, wal, rows: 20_000);
        using (var c = new SqliteConnection(ChatData.ConnectionString(db)))
        {
            c.Open();
            ChatData.Exec(c, "CREATE TABLE ledger(id INTEGER PRIMARY KEY, amount INTEGER); CREATE TABLE total(sum INTEGER); INSERT INTO total VALUES (0);");
        }
        using var stop = new CancellationTokenSource();
        int commits = 0;
        // The app: each transaction adds a message, a ledger row and the same amount to the total, so any torn copy shows.
        Task writer = Task.Run(() =>
        {
            using var c = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = db, Pooling = false, DefaultTimeout = 30 }.ToString());
            c.Open();
            ChatData.Exec(c, "PRAGMA busy_timeout=30000;");
            for (int i = 1; !stop.IsCancellationRequested; i++)
            {
                ChatData.Exec(c, $"BEGIN IMMEDIATE; INSERT INTO messages(chat, body) VALUES ({i % 17}, '{Marker} live {i} {new string('x', 200)}'); " +
                    $"INSERT INTO ledger(amount) VALUES ({i}); UPDATE total SET sum = sum + {i}; COMMIT;");
                Interlocked.Increment(ref commits);
            }
        });
        SpinWait.SpinUntil(() => Volatile.Read(ref commits) >= 20);
        await using var repo = await f.InitAsync();
        var summaries = new List<SnapshotSummary>();
        for (int k = 0; k < 3; k++)
            summaries.Add(await repo.BackupAsync(new BackupSource(db, null) { ScratchDirectory = f.NewFolder("state") }));
        await stop.CancelAsync();
        await writer;

        Assert.True(Volatile.Read(ref commits) > 20);
        foreach (SnapshotSummary s in summaries)
        {
            RestoreResult r = await repo.RestoreAsync(s.Id, f.NewFolder("out-" + s.Sequence));
            using var c = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = r.DatabasePath, Mode = SqliteOpenMode.ReadOnly, Pooling = false }.ToString());
            c.Open();
            using var check = c.CreateCommand();
            check.CommandText = "PRAGMA integrity_check;";
            Assert.Equal("ok", check.ExecuteScalar());
            check.CommandText = "SELECT (SELECT COALESCE(SUM(amount), 0) FROM ledger) = (SELECT sum FROM total), (SELECT COUNT(*) FROM ledger) = (SELECT COUNT(*) FROM messages WHERE body LIKE '%live%');";
            using var reader = check.ExecuteReader();
            Assert.True(reader.Read());
            Assert.Equal(1L, reader.GetInt64(0));
            Assert.Equal(1L, reader.GetInt64(1));
        }
    }

    [Fact]
    public void TheSealedVfsOpensNothingItWasNotGiven()
    {
        using var f = new Fixture();
        string db = MakeDatabase(f.Source, 4096, wal: false, rows: 10);
        using (SqliteSnapshot.Create(db, f.NewFolder("state"))) { } // registers the VFS
        string other = Path.Combine(f.Source, "other.db");
        File.WriteAllBytes(other, []);

        int rc = SQLitePCL.raw.sqlite3_open_v2(other, out SQLitePCL.sqlite3 handle, SQLitePCL.raw.SQLITE_OPEN_READWRITE, SealedVfs.Name);
        using (handle)
        {
            Assert.Equal(SQLitePCL.raw.SQLITE_CANTOPEN, rc);
        }
        // The database itself cannot be opened through it either (it was never registered).
        rc = SQLitePCL.raw.sqlite3_open_v2(db, out handle, SQLitePCL.raw.SQLITE_OPEN_READONLY, SealedVfs.Name);
        using (handle)
        {
            Assert.Equal(SQLitePCL.raw.SQLITE_CANTOPEN, rc);
        }
    }
}
