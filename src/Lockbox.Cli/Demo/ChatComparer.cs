using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using Microsoft.Data.Sqlite;

namespace Lockbox.Cli.Demo;

/// <summary>
/// Checks that a restored chat matches the original: every table's rows through SQL (not file bytes,
/// which may differ in journal mode or free pages), and every media file byte for byte.
/// </summary>
internal static class ChatComparer
{
    /// <summary>The differences found; empty when the two chats match.</summary>
    public static IReadOnlyList<string> Compare(string originalDatabase, string restoredDatabase, string originalMedia, string restoredMedia, out long rowsCompared, out int filesCompared)
    {
        var problems = new List<string>();
        rowsCompared = CompareDatabases(originalDatabase, restoredDatabase, problems);
        filesCompared = CompareMedia(originalMedia, restoredMedia, problems);
        return problems;
    }

    private static long CompareDatabases(string original, string restored, List<string> problems)
    {
        if (!File.Exists(restored))
        {
            problems.Add($"restored database {restored} is missing");
            return 0;
        }
        using SqliteConnection a = Open(original);
        using SqliteConnection b = Open(restored);
        using (SqliteCommand check = b.CreateCommand())
        {
            check.CommandText = "PRAGMA integrity_check";
            string result = (string)check.ExecuteScalar()!;
            if (result != "ok") problems.Add($"restored database fails integrity_check: {result}");
        }
        List<string> tablesA = Tables(a), tablesB = Tables(b);
        if (!tablesA.SequenceEqual(tablesB))
            problems.Add($"tables differ: [{string.Join(", ", tablesA)}] vs [{string.Join(", ", tablesB)}]");
        long rows = 0;
        foreach (string table in tablesA.Intersect(tablesB))
        {
            (long countA, byte[] hashA) = HashTable(a, table);
            (long countB, byte[] hashB) = HashTable(b, table);
            rows += countA;
            if (countA != countB) problems.Add($"table {table}: {countA} rows vs {countB} restored");
            else if (!hashA.AsSpan().SequenceEqual(hashB)) problems.Add($"table {table}: row contents differ");
        }
        return rows;
    }

    private static SqliteConnection Open(string path)
    {
        var connection = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = path, Mode = SqliteOpenMode.ReadOnly, Pooling = false }.ToString());
        connection.Open();
        return connection;
    }

    private static List<string> Tables(SqliteConnection connection)
    {
        using SqliteCommand command = connection.CreateCommand();
        command.CommandText = "SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name";
        var names = new List<string>();
        using SqliteDataReader reader = command.ExecuteReader();
        while (reader.Read()) names.Add(reader.GetString(0));
        return names;
    }

    private static (long Rows, byte[] Hash) HashTable(SqliteConnection connection, string table)
    {
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        using SqliteCommand command = connection.CreateCommand();
        string quoted = "\"" + table.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"";
        bool hasRowId = table != "sqlite_sequence";
        command.CommandText = hasRowId ? $"SELECT * FROM {quoted} ORDER BY rowid" : $"SELECT * FROM {quoted} ORDER BY 1";
        long rows = 0;
        using SqliteDataReader reader = command.ExecuteReader();
        while (reader.Read())
        {
            rows++;
            for (int i = 0; i < reader.FieldCount; i++)
            {
                object value = reader.GetValue(i);
                string text = value switch
                {
                    DBNull => "\0null",
                    byte[] blob => "\0blob:" + Convert.ToHexString(blob),
                    IFormattable f => f.ToString(null, CultureInfo.InvariantCulture),
                    _ => value.ToString() ?? "",
                };
                hash.AppendData(Encoding.UTF8.GetBytes(text));
                hash.AppendData([0x1F]);
            }
            hash.AppendData([0x1E]);
        }
        return (rows, hash.GetHashAndReset());
    }

    private static int CompareMedia(string original, string restored, List<string> problems)
    {
        SortedSet<string> a = Files(original), b = Files(restored);
        foreach (string missing in a.Except(b)) problems.Add($"media file {missing} was not restored");
        foreach (string extra in b.Except(a)) problems.Add($"media file {extra} appeared in the restore but was not backed up");
        int compared = 0;
        foreach (string file in a.Intersect(b))
        {
            compared++;
            if (!SameBytes(Path.Combine(original, file), Path.Combine(restored, file)))
                problems.Add($"media file {file} differs");
        }
        return compared;
    }

    private static SortedSet<string> Files(string root)
    {
        if (!Directory.Exists(root)) return new SortedSet<string>(StringComparer.Ordinal);
        return new SortedSet<string>(
            Directory.EnumerateFiles(root, "*", SearchOption.AllDirectories).Select(f => Path.GetRelativePath(root, f).Replace('\\', '/')),
            StringComparer.Ordinal);
    }

    private static bool SameBytes(string a, string b)
    {
        using FileStream fa = File.OpenRead(a), fb = File.OpenRead(b);
        if (fa.Length != fb.Length) return false;
        return SHA256.HashData(fa).AsSpan().SequenceEqual(SHA256.HashData(fb));
    }
}
