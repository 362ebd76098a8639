using System.Security.Cryptography;
using Microsoft.Data.Sqlite;

namespace Lockbox.Client.Tests.Support;

/// <summary>
/// A tiny chat app's data on one device: its own SQLite message database (kept open and written to, as a running app
/// does) and a media folder; and the check that a restore brought back the same messages and the same media bytes.
/// </summary>
internal static class ChatApp
{
    public static (string Database, string Media) Create(string directory, int messages = 2_000)
    {
        Directory.CreateDirectory(directory);
        string database = Path.Combine(directory, "chat.db");
        using (var connection = new SqliteConnection($"Data Source={database};Pooling=False"))
        {
            connection.Open();
            Execute(connection, "PRAGMA journal_mode=WAL; CREATE TABLE messages(id INTEGER PRIMARY KEY, chat TEXT NOT NULL, body TEXT NOT NULL)");
            AddMessages(connection, 0, messages);
        }
        string media = Path.Combine(directory, "media");
        Directory.CreateDirectory(Path.Combine(media, "photos"));
        File.WriteAllBytes(Path.Combine(media, "photos", "beach.jpg"), RandomNumberGenerator.GetBytes(300_000));
        File.WriteAllBytes(Path.Combine(media, "voice-1.opus"), RandomNumberGenerator.GetBytes(20_000));
        return (database, media);
    }

    public static void AddMessages(string database, int from, int count)
    {
        using var connection = new SqliteConnection($"Data Source={database};Pooling=False");
        connection.Open();
        AddMessages(connection, from, count);
    }

    /// <summary>The messages in order, as text.</summary>
    public static List<string> Messages(string database)
    {
        using var connection = new SqliteConnection($"Data Source={database};Mode=ReadOnly;Pooling=False");
        connection.Open();
        using SqliteCommand select = connection.CreateCommand();
        select.CommandText = "SELECT id, chat, body FROM messages ORDER BY id";
        using SqliteDataReader reader = select.ExecuteReader();
        var rows = new List<string>();
        while (reader.Read()) rows.Add($"{reader.GetInt64(0)}|{reader.GetString(1)}|{reader.GetString(2)}");
        return rows;
    }

    /// <summary>Asserts that <paramref name="restored"/> holds the chat of <paramref name="database"/> and <paramref name="media"/>, byte for byte.</summary>
    public static void AssertRestored(string database, string media, string restored)
    {
        string restoredDatabase = Path.Combine(restored, Path.GetFileName(database));
        Assert.Equal(Messages(database), Messages(restoredDatabase));
        foreach (string file in Directory.EnumerateFiles(media, "*", SearchOption.AllDirectories))
        {
            string relative = Path.GetRelativePath(media, file);
            Assert.Equal(File.ReadAllBytes(file), File.ReadAllBytes(Path.Combine(restored, "media", relative)));
        }
    }

    private static void AddMessages(SqliteConnection connection, int from, int count)
    {
        using SqliteTransaction transaction = connection.BeginTransaction();
        using SqliteCommand insert = connection.CreateCommand();
        insert.CommandText = "INSERT INTO messages(chat, body) VALUES ($chat, $body)";
        SqliteParameter chat = insert.Parameters.Add("$chat", SqliteType.Text);
        SqliteParameter body = insert.Parameters.Add("$body", SqliteType.Text);
        for (int i = from; i < from + count; i++)
        {
            chat.Value = $"chat-{i % 11}";
            body.Value = $"message {i}: see you at {i % 24}:00, bring {i % 5} friends";
            insert.ExecuteNonQuery();
        }
        transaction.Commit();
    }

    private static void Execute(SqliteConnection connection, string sql)
    {
        using SqliteCommand command = connection.CreateCommand();
        command.CommandText = sql;
        command.ExecuteNonQuery();
    }
}
