using System.Diagnostics;
using System.Globalization;
using Lockbox.Cryptography;
using Lockbox.Repository;
using Lockbox.Repository.Storage;
using Microsoft.Data.Sqlite;

namespace Lockbox.Benchmarks.Repository;

/// <summary>
/// Whole-engine figures on generated chat data (half database, half media): first backup, a "next day"
/// backup after ~1% new messages and a few hundred scattered edits, and a full restore, to a local folder.
/// Run under /usr/bin/time -v for peak RSS; the process's own peak working set is printed too.
/// </summary>
internal static class RepositoryThroughput
{
    public static async Task<int> RunAsync(string[] args)
    {
        int mib = args.Length > 0 ? int.Parse(args[0], CultureInfo.InvariantCulture) : 200;
        string work = args.Length > 1 ? args[1] : Path.Combine(Path.GetTempPath(), "lockbox-throughput");
        if (Directory.Exists(work)) Directory.Delete(work, recursive: true);
        string source = Directory.CreateDirectory(Path.Combine(work, "source")).FullName;
        string media = Directory.CreateDirectory(Path.Combine(source, "media")).FullName;
        string db = Path.Combine(source, "msgstore.db");

        var clock = Stopwatch.StartNew();
        int messages = GenerateDatabase(db, (long)mib * 1024 * 1024 / 2);
        long mediaBytes = GenerateMedia(media, (long)mib * 1024 * 1024 / 2);
        long dbBytes = new FileInfo(db).Length;
        Console.WriteLine($"data: database {dbBytes / 1048576.0:F1} MiB ({messages} messages), media {mediaBytes / 1048576.0:F1} MiB, generated in {clock.Elapsed.TotalSeconds:F1} s");

        using BackupKey key = BackupKey.Generate();
        var store = new FolderBlobStore(Path.Combine(work, "repo"));
        await using BackupRepository repo = await BackupRepository.InitAsync(store, key).ConfigureAwait(false);

        clock.Restart();
        SnapshotSummary first = await repo.BackupAsync(new BackupSource(db, media, "bench")).ConfigureAwait(false);
        Report("first backup", clock.Elapsed, dbBytes + mediaBytes, first.BytesAdded);

        using (var c = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = db, Pooling = false }.ToString()))
        {
            c.Open();
            AddMessages(c, messages, messages / 100, seed: 99);
            using var edit = c.CreateCommand();
            edit.CommandText = $"UPDATE messages SET body = body || ' (edited)' WHERE id % {Math.Max(1, messages / 300)} = 0";
            edit.ExecuteNonQuery();
        }
        long dbNext = new FileInfo(db).Length;
        clock.Restart();
        SnapshotSummary next = await repo.BackupAsync(new BackupSource(db, media, "bench")).ConfigureAwait(false);
        Report("next-day backup", clock.Elapsed, dbNext + mediaBytes, next.BytesAdded);
        Console.WriteLine($"  next-day added {100.0 * next.BytesAdded / next.DatabaseBytes:F2}% of the database size");

        string target = Path.Combine(work, "restored");
        clock.Restart();
        RestoreResult restored = await repo.RestoreAsync("latest", target).ConfigureAwait(false);
        Report("restore", clock.Elapsed, restored.BytesWritten, 0);

        clock.Restart();
        VerifyReport verify = await repo.VerifyAsync(readData: true).ConfigureAwait(false);
        Console.WriteLine($"verify --read-data: {(verify.IsHealthy ? "healthy" : "PROBLEMS")} in {clock.Elapsed.TotalSeconds:F2} s, {verify.BlobsChecked} blobs");
        Console.WriteLine($"peak working set: {Process.GetCurrentProcess().PeakWorkingSet64 / 1048576} MiB");
        Directory.Delete(work, recursive: true);
        return verify.IsHealthy ? 0 : 1;
    }

    private static void Report(string what, TimeSpan elapsed, long bytes, long added) =>
        Console.WriteLine($"{what}: {elapsed.TotalSeconds:F2} s, {bytes / 1048576.0 / elapsed.TotalSeconds:F0} MiB/s, added {added / 1048576.0:F2} MiB");

    private static int GenerateDatabase(string path, long targetBytes)
    {
        using var c = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = path, Pooling = false }.ToString());
        c.Open();
        using (var cmd = c.CreateCommand())
        {
            cmd.CommandText = "PRAGMA journal_mode=WAL; CREATE TABLE messages(id INTEGER PRIMARY KEY, chat INTEGER, sent INTEGER, body TEXT); CREATE INDEX messages_chat ON messages(chat, sent);";
            cmd.ExecuteNonQuery();
        }
        int total = 0;
        while (new FileInfo(path).Length + (File.Exists(path + "-wal") ? new FileInfo(path + "-wal").Length : 0) < targetBytes)
        {
            AddMessages(c, total, 50_000, seed: total);
            total += 50_000;
        }
        using (var cmd = c.CreateCommand())
        {
            cmd.CommandText = "PRAGMA wal_checkpoint(TRUNCATE);";
            cmd.ExecuteNonQuery();
        }
        return total;
    }

    private static void AddMessages(SqliteConnection c, int start, int count, int seed)
    {
        string[] words = ["hey", "ok", "see", "you", "tomorrow", "lunch", "photo", "call", "later", "love", "this", "haha", "where", "are", "running", "late", "train", "thanks", "great", "idea"];
        uint state = (uint)seed * 2654435761u + 1;
        uint Next() => state = state * 1664525 + 1013904223;
        using var tx = c.BeginTransaction();
        using var cmd = c.CreateCommand();
        cmd.CommandText = "INSERT INTO messages(id, chat, sent, body) VALUES ($id, $chat, $sent, $body)";
        var id = cmd.Parameters.Add("$id", SqliteType.Integer);
        var chat = cmd.Parameters.Add("$chat", SqliteType.Integer);
        var sent = cmd.Parameters.Add("$sent", SqliteType.Integer);
        var body = cmd.Parameters.Add("$body", SqliteType.Text);
        var sb = new System.Text.StringBuilder();
        for (int i = start; i < start + count; i++)
        {
            sb.Clear();
            int n = 3 + (int)(Next() % 25);
            for (int w = 0; w < n; w++) sb.Append(words[Next() % (uint)words.Length]).Append(' ');
            sb.Append(Next().ToString("x8", CultureInfo.InvariantCulture));
            id.Value = i + 1;
            chat.Value = Next() % 200;
            sent.Value = 1_700_000_000_000L + i * 6000L;
            body.Value = sb.ToString();
            cmd.ExecuteNonQuery();
        }
        tx.Commit();
    }

    private static long GenerateMedia(string folder, long targetBytes)
    {
        long total = 0;
        int i = 0;
        byte[] buffer = new byte[8 << 20];
        while (total < targetBytes)
        {
            // Photos of 100 KiB–3 MiB, every 10th a video of ~8 MiB; every 7th photo also forwarded to another chat.
            int size = i % 10 == 9 ? 8 << 20 : 100 * 1024 + (int)((uint)(i * 2654435761u) % (3 << 20));
            System.Security.Cryptography.RandomNumberGenerator.Fill(buffer.AsSpan(0, size));
            string chatDir = Directory.CreateDirectory(Path.Combine(folder, $"chat{i % 20}")).FullName;
            File.WriteAllBytes(Path.Combine(chatDir, $"IMG-{i:D5}.jpg"), buffer[..size]);
            total += size;
            if (i % 7 == 0)
            {
                string other = Directory.CreateDirectory(Path.Combine(folder, $"chat{(i + 1) % 20}")).FullName;
                File.WriteAllBytes(Path.Combine(other, $"IMG-{i:D5}-fwd.jpg"), buffer[..size]);
                total += size;
            }
            i++;
        }
        return total;
    }
}
