using Microsoft.Data.Sqlite;

namespace ChatApp;

/// <summary>The chat app's own data: an SQLite database of messages and a folder of media.</summary>
internal sealed class Chat(string folder)
{
    public string Database => Path.Combine(folder, "chat.db");

    public string Media => Path.Combine(folder, "media");

    public void Write(int from, int count)
    {
        Directory.CreateDirectory(Media);
        using var connection = new SqliteConnection($"Data Source={Database};Pooling=False");
        connection.Open();
        using (SqliteCommand create = connection.CreateCommand())
        {
            create.CommandText = "CREATE TABLE IF NOT EXISTS messages(id INTEGER PRIMARY KEY, sender TEXT NOT NULL, body TEXT NOT NULL)";
            create.ExecuteNonQuery();
        }
        using SqliteTransaction transaction = connection.BeginTransaction();
        using SqliteCommand insert = connection.CreateCommand();
        insert.CommandText = "INSERT INTO messages(sender, body) VALUES ($sender, $body)";
        SqliteParameter sender = insert.Parameters.Add("$sender", SqliteType.Text);
        SqliteParameter body = insert.Parameters.Add("$body", SqliteType.Text);
        for (int i = from; i < from + count; i++)
        {
            sender.Value = i % 2 == 0 ? "alice" : "bob";
            body.Value = $"message {i}: lunch at {11 + i % 3}?";
            insert.ExecuteNonQuery();
        }
        transaction.Commit();
        File.WriteAllBytes(Path.Combine(Media, $"photo-{from}.jpg"), System.Security.Cryptography.RandomNumberGenerator.GetBytes(50_000));
    }

    public static List<string> Messages(string database)
    {
        using var connection = new SqliteConnection($"Data Source={database};Mode=ReadOnly;Pooling=False");
        connection.Open();
        using SqliteCommand select = connection.CreateCommand();
        select.CommandText = "SELECT id, sender, body FROM messages ORDER BY id";
        using SqliteDataReader reader = select.ExecuteReader();
        var rows = new List<string>();
        while (reader.Read()) rows.Add($"{reader.GetInt64(0)} {reader.GetString(1)}: {reader.GetString(2)}");
        return rows;
    }
}
