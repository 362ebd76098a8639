using System.Globalization;
using System.Text;
using Microsoft.Data.Sqlite;

namespace Lockbox.Repository.Tests.Support;

/// <summary>Builds real chat databases (WAL mode, like the apps') and media folders for the tests.</summary>
internal static class ChatData
{
    public const string SecretPhrase = "meet me at the old lighthouse";

    public static string ConnectionString(string path) => new SqliteConnectionStringBuilder { DataSource = path, Pooling = false }.ToString();

    /// <summary>A WAL-mode database with <paramref name="messages"/> messages spread over chats; text varies so it compresses like real chat.</summary>
    public static string CreateDatabase(string folder, int messages, string name = "msgstore.db", int seed = 1)
    {
        string path = Path.Combine(folder, name);
        using var c = new SqliteConnection(ConnectionString(path));
        c.Open();
        Exec(c, "PRAGMA journal_mode=WAL; CREATE TABLE IF NOT EXISTS messages(id INTEGER PRIMARY KEY, chat INTEGER, sent INTEGER, body TEXT);");
        AddMessages(c, 0, messages, seed);
        return path;
    }

    public static void AddMessages(SqliteConnection c, int start, int count, int seed)
    {
        var random = new Random(seed + start);
        using var tx = c.BeginTransaction();
        using var cmd = c.CreateCommand();
        cmd.CommandText = "INSERT INTO messages(id, chat, sent, body) VALUES ($id, $chat, $sent, $body)";
        var id = cmd.Parameters.Add("$id", SqliteType.Integer);
        var chat = cmd.Parameters.Add("$chat", SqliteType.Integer);
        var sent = cmd.Parameters.Add("$sent", SqliteType.Integer);
        var body = cmd.Parameters.Add("$body", SqliteType.Text);
        for (int i = start; i < start + count; i++)
        {
            id.Value = i + 1;
            chat.Value = random.Next(40);
            sent.Value = 1_700_000_000_000L + i * 6000L;
            body.Value = Message(random, i);
            cmd.ExecuteNonQuery();
        }
        tx.Commit();
    }

    private static readonly string[] Words = ["hey", "ok", "see", "you", "tomorrow", "lunch", "photo", "call", "later", "love", "this", "haha", "where", "are", "running", "late", "train", "thanks", "great", "idea"];

    private static string Message(Random random, int i)
    {
        var sb = new StringBuilder();
        if (i % 997 == 0) sb.Append(SecretPhrase).Append(' ');
        int n = 3 + random.Next(25);
        for (int w = 0; w < n; w++) sb.Append(Words[random.Next(Words.Length)]).Append(' ');
        sb.Append(random.Next().ToString("x8", CultureInfo.InvariantCulture));
        return sb.ToString();
    }

    public static void Exec(SqliteConnection c, string sql)
    {
        using var cmd = c.CreateCommand();
        cmd.CommandText = sql;
        cmd.ExecuteNonQuery();
    }

    /// <summary>Every row, in order, as text: what "identical content" means for a restored database.</summary>
    public static string Dump(string path)
    {
        using var c = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = path, Pooling = false, Mode = SqliteOpenMode.ReadOnly }.ToString());
        c.Open();
        using var check = c.CreateCommand();
        check.CommandText = "PRAGMA integrity_check";
        Assert.Equal("ok", check.ExecuteScalar());
        using var cmd = c.CreateCommand();
        cmd.CommandText = "SELECT name FROM sqlite_master WHERE type='table' ORDER BY name";
        var tables = new List<string>();
        using (var r = cmd.ExecuteReader()) while (r.Read()) tables.Add(r.GetString(0));
        var sb = new StringBuilder();
        foreach (string t in tables)
        {
            cmd.CommandText = $"SELECT * FROM \"{t}\" ORDER BY rowid";
            using var r = cmd.ExecuteReader();
            while (r.Read())
            {
                for (int i = 0; i < r.FieldCount; i++) sb.Append(r.GetValue(i)).Append('|');
                sb.Append('\n');
            }
        }
        return sb.ToString();
    }

    public static byte[] RandomBytes(int length, int seed)
    {
        byte[] b = new byte[length];
        new Random(seed).NextBytes(b);
        return b;
    }

    /// <summary>Writes a media file (creating folders) and returns its bytes.</summary>
    public static byte[] WriteMedia(string mediaRoot, string relative, int length, int seed)
    {
        byte[] data = RandomBytes(length, seed);
        string path = Path.Combine(mediaRoot, relative);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllBytes(path, data);
        return data;
    }
}
