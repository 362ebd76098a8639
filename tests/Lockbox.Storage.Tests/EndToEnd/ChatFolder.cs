using System.Globalization;
using System.Text;
using Microsoft.Data.Sqlite;

namespace Lockbox.Storage.Tests.EndToEnd;

/// <summary>
/// A phone's chat data in a temporary folder: a real SQLite message database in WAL mode and a
/// media folder, which a "next day" adds to and edits the way a chat app does.
/// </summary>
public sealed class ChatFolder : IDisposable
{
    private readonly TemporaryFolder root = new();
    private int nextMessage;

    public ChatFolder(int messages)
    {
        Directory.CreateDirectory(MediaPath);
        using var c = Open();
        Exec(c, "PRAGMA journal_mode=WAL; CREATE TABLE messages(id INTEGER PRIMARY KEY, chat INTEGER, sent INTEGER, body TEXT, starred INTEGER DEFAULT 0);");
        AddMessages(c, messages);
        AddMedia("Media/IMG-0001.jpg", 300_000, 1);
        AddMedia("Media/VID-0001.mp4", 5 * 1024 * 1024 + 333, 2); // a pack bigger than the tests' multipart threshold
    }

    public string DatabasePath => Path.Combine(root.Path, "msgstore.db");

    public string MediaPath => Path.Combine(root.Path, "media");

    /// <summary>A new empty folder to restore into.</summary>
    public string NewTarget() => Directory.CreateTempSubdirectory("lockbox-restore-").FullName;

    /// <summary>A day of chat: new messages, a few edited ones, a new photo.</summary>
    public void NextDay(int day)
    {
        using var c = Open();
        AddMessages(c, 300);
        Exec(c, $"UPDATE messages SET starred = 1 WHERE id % 97 = {day};");
        AddMedia($"Media/IMG-{day:0000}-day.jpg", 120_000 + day, 100 + day);
    }

    /// <summary>Every row in order, after an integrity check: what "the same database" means.</summary>
    public static string Dump(string path)
    {
        using var c = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = path, Pooling = false, Mode = SqliteOpenMode.ReadOnly }.ToString());
        c.Open();
        using var cmd = c.CreateCommand();
        cmd.CommandText = "PRAGMA integrity_check";
        Assert.Equal("ok", cmd.ExecuteScalar());
        cmd.CommandText = "SELECT id, chat, sent, body, starred FROM messages ORDER BY id";
        var text = new StringBuilder();
        using var rows = cmd.ExecuteReader();
        while (rows.Read())
        {
            text.Append(CultureInfo.InvariantCulture, $"{rows.GetInt64(0)}|{rows.GetInt64(1)}|{rows.GetInt64(2)}|{rows.GetString(3)}|{rows.GetInt64(4)}\n");
        }
        return text.ToString();
    }

    /// <summary>Relative path → bytes of every file under a media folder.</summary>
    public static SortedDictionary<string, byte[]> Files(string folder)
    {
        var files = new SortedDictionary<string, byte[]>(StringComparer.Ordinal);
        if (Directory.Exists(folder))
        {
            foreach (var file in Directory.EnumerateFiles(folder, "*", SearchOption.AllDirectories))
            {
                files[Path.GetRelativePath(folder, file).Replace('\\', '/')] = File.ReadAllBytes(file);
            }
        }
        return files;
    }

    public void Dispose() => root.Dispose();

    private SqliteConnection Open()
    {
        var c = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = DatabasePath, Pooling = false }.ToString());
        c.Open();
        return c;
    }

    private void AddMessages(SqliteConnection c, int count)
    {
        var random = new SeededSequence((ulong)nextMessage + 1);
        string[] words = ["hey", "see", "you", "at", "lunch", "photo", "call", "later", "train", "late", "thanks", "great"];
        using var tx = c.BeginTransaction();
        using var cmd = c.CreateCommand();
        cmd.CommandText = "INSERT INTO messages(id, chat, sent, body) VALUES ($id, $chat, $sent, $body)";
        for (var i = 0; i < count; i++, nextMessage++)
        {
            var body = new StringBuilder();
            for (var w = 3 + random.NextInt(20); w > 0; w--)
            {
                body.Append(words[random.NextInt(words.Length)]).Append(' ');
            }
            cmd.Parameters.Clear();
            cmd.Parameters.AddWithValue("$id", nextMessage + 1);
            cmd.Parameters.AddWithValue("$chat", random.NextInt(30));
            cmd.Parameters.AddWithValue("$sent", 1_790_000_000_000L + nextMessage * 7000L);
            cmd.Parameters.AddWithValue("$body", body.Append(random.Next().ToString("x16", CultureInfo.InvariantCulture)).ToString());
            cmd.ExecuteNonQuery();
        }
        tx.Commit();
    }

    private void AddMedia(string relative, int size, int seed)
    {
        var path = Path.Combine(MediaPath, relative);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllBytes(path, SeededSequence.Bytes(seed, size));
    }

    private static void Exec(SqliteConnection c, string sql)
    {
        using var cmd = c.CreateCommand();
        cmd.CommandText = sql;
        cmd.ExecuteNonQuery();
    }
}
