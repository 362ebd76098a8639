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

    private readonly SqliteConnection _connection;
    private readonly SqliteCommand _insertMessage;
    private readonly SqliteCommand _insertReceipt;
    private readonly SqliteCommand _insertMedia;
    private SqliteTransaction? _transaction;

    public ChatDatabase(string path)
    {
        _connection = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = path, Pooling = false }.ToString());
        _connection.Open();
        Execute("PRAGMA journal_mode = WAL; PRAGMA synchronous = NORMAL;");
        Execute(Schema);
        _insertMessage = Prepare("""
            INSERT INTO message (chat_row_id, from_me, key_id, sender_jid_row_id, status, timestamp, received_timestamp, message_type, text_data)
            VALUES ($chat, $fromMe, $key, $sender, $status, $ts, $received, $type, $text) RETURNING _id
            """, "$chat", "$fromMe", "$key", "$sender", "$status", "$ts", "$received", "$type", "$text");
        _insertReceipt = Prepare("INSERT INTO receipt_user (message_row_id, receipt_user_jid_row_id, receipt_timestamp, read_timestamp) VALUES ($m, $j, $t, $r)",
            "$m", "$j", "$t", "$r");
        _insertMedia = Prepare("""
            INSERT INTO message_media (message_row_id, chat_row_id, file_path, file_size, mime_type, media_duration, file_hash, width, height)
            VALUES ($m, $chat, $path, $size, $mime, $duration, $hash, $w, $h)
            """, "$m", "$chat", "$path", "$size", "$mime", "$duration", "$hash", "$w", "$h");
    }

    public SqliteConnection Connection => _connection;

    public void Begin()
    {
        _transaction = _connection.BeginTransaction();
        foreach (SqliteCommand c in new[] { _insertMessage, _insertReceipt, _insertMedia }) c.Transaction = _transaction;
    }

    public void Commit()
    {
        _transaction?.Commit();
        _transaction?.Dispose();
        _transaction = null;
    }

    public long InsertMessage(long chat, bool fromMe, string key, long? sender, int status, long timestamp, int type, string? text)
    {
        SqliteParameterCollection p = _insertMessage.Parameters;
        p[0].Value = chat; p[1].Value = fromMe ? 1 : 0; p[2].Value = key; p[3].Value = (object?)sender ?? DBNull.Value;
        p[4].Value = status; p[5].Value = timestamp; p[6].Value = timestamp + 900; p[7].Value = type; p[8].Value = (object?)text ?? DBNull.Value;
        return (long)_insertMessage.ExecuteScalar()!;
    }

    public void InsertReceipt(long message, long jid, long timestamp)
    {
        SqliteParameterCollection p = _insertReceipt.Parameters;
        p[0].Value = message; p[1].Value = jid; p[2].Value = timestamp; p[3].Value = timestamp + 60_000;
        _insertReceipt.ExecuteNonQuery();
    }

    public void InsertMedia(long message, long chat, MediaItem item, string hash)
    {
        SqliteParameterCollection p = _insertMedia.Parameters;
        p[0].Value = message; p[1].Value = chat; p[2].Value = "Media/" + item.RelativePath; p[3].Value = item.Size; p[4].Value = item.MimeType;
        p[5].Value = item.DurationSeconds; p[6].Value = hash;
        bool visual = item.MimeType.StartsWith("image/", StringComparison.Ordinal) || item.MimeType.StartsWith("video/", StringComparison.Ordinal);
        p[7].Value = visual ? 1600 : 0; p[8].Value = visual ? 1200 : 0;
        _insertMedia.ExecuteNonQuery();
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

    private SqliteCommand Prepare(string sql, params string[] names)
    {
        SqliteCommand command = _connection.CreateCommand();
        command.CommandText = sql;
        foreach (string name in names) command.Parameters.Add(new SqliteParameter(name, null));
        return command;
    }

    public void Dispose()
    {
        Commit();
        _insertMessage.Dispose();
        _insertReceipt.Dispose();
        _insertMedia.Dispose();
        _connection.Dispose();
    }
}
