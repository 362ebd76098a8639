using System.Globalization;
using Microsoft.Data.Sqlite;

namespace Lockbox.Cli.Demo;

/// <summary>
/// A messaging app's database, modelled on WhatsApp's msgstore.db (jid, chat, message, message_media,
/// receipt_user), in WAL mode as apps run it. Holds prepared inserts so generating millions of rows
/// stays fast.
/// </summary>
internal sealed class ChatDatabase : IDisposable
{
    private const string Schema = """
        CREATE TABLE IF NOT EXISTS jid (_id INTEGER PRIMARY KEY, user TEXT NOT NULL, server TEXT NOT NULL, raw_string TEXT UNIQUE, display_name TEXT);
        CREATE TABLE IF NOT EXISTS chat (_id INTEGER PRIMARY KEY, jid_row_id INTEGER UNIQUE, subject TEXT, created_timestamp INTEGER,
            last_message_row_id INTEGER, archived INTEGER NOT NULL DEFAULT 0, unseen_message_count INTEGER NOT NULL DEFAULT 0);
        CREATE TABLE IF NOT EXISTS message (_id INTEGER PRIMARY KEY AUTOINCREMENT, chat_row_id INTEGER NOT NULL, from_me INTEGER NOT NULL,
            key_id TEXT NOT NULL, sender_jid_row_id INTEGER, status INTEGER, timestamp INTEGER, received_timestamp INTEGER,
            message_type INTEGER NOT NULL DEFAULT 0, text_data TEXT, starred INTEGER NOT NULL DEFAULT 0);
        CREATE INDEX IF NOT EXISTS message_chat_time ON message (chat_row_id, timestamp);
        CREATE UNIQUE INDEX IF NOT EXISTS message_key ON message (chat_row_id, from_me, key_id);
        CREATE TABLE IF NOT EXISTS message_media (message_row_id INTEGER PRIMARY KEY, chat_row_id INTEGER, file_path TEXT, file_size INTEGER,
            mime_type TEXT, media_duration INTEGER, file_hash TEXT, width INTEGER, height INTEGER);
        CREATE TABLE IF NOT EXISTS receipt_user (_id INTEGER PRIMARY KEY, message_row_id INTEGER NOT NULL, receipt_user_jid_row_id INTEGER,
            receipt_timestamp INTEGER, read_timestamp INTEGER);
        CREATE INDEX IF NOT EXISTS receipt_user_message ON receipt_user (message_row_id);
        """;

    /// <summary>
    /// Page cache while generating: the random message keys scatter inserts over the whole key index, about a fifth
    /// of the database, so the cache is a third of the database it will become, between 64 MiB and 1 GiB (memory is
    /// taken only as the database grows).
    /// </summary>
    private const long MinBulkCache = 64L << 20, MaxBulkCache = 1L << 30;

    private readonly SqliteConnection _connection;
    private readonly RawInsert _insertMessage;
    private readonly RawInsert _insertReceipt;
    private readonly RawInsert _insertMedia;
    private SqliteTransaction? _transaction;

    /// <param name="path">The database file.</param>
    /// <param name="bulkBytes">When writing a new dataset that nothing else reads yet, the size it will reach: no fsync
    /// (a crash loses a half-generated chat, which is regenerated anyway) and a page cache to match. Neither changes a
    /// byte of the database. Zero for an ordinary connection.</param>
    public ChatDatabase(string path, long bulkBytes = 0)
    {
        _connection = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = path, Pooling = false }.ToString());
        _connection.Open();
        Execute("PRAGMA journal_mode = WAL; PRAGMA synchronous = NORMAL;");
        if (bulkBytes > 0)
            Execute($"PRAGMA synchronous = OFF; PRAGMA cache_size = -{Math.Clamp(bulkBytes / 3, MinBulkCache, MaxBulkCache) >> 10};");
        Execute(Schema);
        _insertMessage = new RawInsert(_connection.Handle!, """
            INSERT INTO message (chat_row_id, from_me, key_id, sender_jid_row_id, status, timestamp, received_timestamp, message_type, text_data)
            VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)
            """);
        _insertReceipt = new RawInsert(_connection.Handle!,
            "INSERT INTO receipt_user (message_row_id, receipt_user_jid_row_id, receipt_timestamp, read_timestamp) VALUES (?1, ?2, ?3, ?4)");
        _insertMedia = new RawInsert(_connection.Handle!, """
            INSERT INTO message_media (message_row_id, chat_row_id, file_path, file_size, mime_type, media_duration, file_hash, width, height)
            VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)
            """);
    }

    public SqliteConnection Connection => _connection;

    public void Begin() => _transaction = _connection.BeginTransaction();

    public void Commit()
    {
        _transaction?.Commit();
        _transaction?.Dispose();
        _transaction = null;
    }

    public long InsertMessage(long chat, bool fromMe, string key, long? sender, int status, long timestamp, int type, string? text)
        => _insertMessage.Bind(1, chat).Bind(2, fromMe ? 1 : 0).Bind(3, key).Bind(4, sender).Bind(5, status).Bind(6, timestamp)
            .Bind(7, timestamp + 900).Bind(8, type).Bind(9, text).Run();

    public void InsertReceipt(long message, long jid, long timestamp)
        => _insertReceipt.Bind(1, message).Bind(2, jid).Bind(3, timestamp).Bind(4, timestamp + 60_000).Run();

    public void InsertMedia(long message, long chat, MediaItem item)
    {
        bool visual = item.MimeType.StartsWith("image/", StringComparison.Ordinal) || item.MimeType.StartsWith("video/", StringComparison.Ordinal);
        _insertMedia.Bind(1, message).Bind(2, chat).Bind(3, "Media/" + item.RelativePath).Bind(4, item.Size).Bind(5, item.MimeType)
            .Bind(6, item.DurationSeconds).Bind(7, item.Hash).Bind(8, visual ? 1600 : 0).Bind(9, visual ? 1200 : 0).Run();
    }

    public void Execute(string sql)
    {
        using SqliteCommand command = _connection.CreateCommand();
        command.CommandText = sql;
        command.Transaction = _transaction;
        command.ExecuteNonQuery();
    }

    public long Scalar(string sql)
    {
        using SqliteCommand command = _connection.CreateCommand();
        command.CommandText = sql;
        command.Transaction = _transaction;
        return Convert.ToInt64(command.ExecuteScalar(), CultureInfo.InvariantCulture);
    }

    /// <summary>The database's size in bytes, counting pages still in the WAL.</summary>
    public long SizeBytes => Scalar("PRAGMA page_count") * Scalar("PRAGMA page_size");

    public void Dispose()
    {
        Commit();
        _insertMessage.Dispose();
        _insertReceipt.Dispose();
        _insertMedia.Dispose();
        _connection.Dispose();
    }
}
