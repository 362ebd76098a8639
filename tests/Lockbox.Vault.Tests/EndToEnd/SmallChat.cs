using System.Security.Cryptography;
using Microsoft.Data.Sqlite;

namespace Lockbox.Vault.Tests.EndToEnd;

/// <summary>A small chat on a "phone": an SQLite message database and a media folder, and a check that a restore matches it.</summary>
internal static class SmallChat
{
    public static (string Database, string Media) Create(string directory)
    {
        Directory.CreateDirectory(directory);
        string database = Path.Combine(directory, "msgstore.db");
        using (var connection = new SqliteConnection($"Data Source={database};Pooling=False"))
        {
            connection.Open();
            using SqliteCommand create = connection.CreateCommand();
            create.CommandText = "CREATE TABLE messages(id INTEGER PRIMARY KEY, chat TEXT, body TEXT)";
            create.ExecuteNonQuery();
            using SqliteTransaction transaction = connection.BeginTransaction();
            using SqliteCommand insert = connection.CreateCommand();
            insert.CommandText = "INSERT INTO messages(chat, body) VALUES ($chat, $body)";
            SqliteParameter chat = insert.Parameters.Add("$chat", SqliteType.Text);
            SqliteParameter body = insert.Parameters.Add("$body", SqliteType.Text);
            for (int i = 0; i < 500; i++)
            {
                chat.Value = $"chat-{i % 7}";
                body.Value = $"message {i}: see you at {i % 24}:00";
                insert.ExecuteNonQuery();
            }
            transaction.Commit();
        }
        string media = Path.Combine(directory, "media");
        Directory.CreateDirectory(media);
        File.WriteAllBytes(Path.Combine(media, "photo.jpg"), RandomNumberGenerator.GetBytes(40_000));
        File.WriteAllBytes(Path.Combine(media, "voice.opus"), RandomNumberGenerator.GetBytes(7_000));
        return (database, media);
    }

    /// <summary>The rows of the messages table, in order, as text.</summary>
    public static List<string> Rows(string database)
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

    public static void AssertRestored(string original, string restoredDirectory)
    {
        Assert.Equal(Rows(Path.Combine(original, "msgstore.db")), Rows(Path.Combine(restoredDirectory, "msgstore.db")));
        foreach (string file in Directory.EnumerateFiles(Path.Combine(original, "media")))
            Assert.Equal(File.ReadAllBytes(file), File.ReadAllBytes(Path.Combine(restoredDirectory, "media", Path.GetFileName(file))));
    }
}
