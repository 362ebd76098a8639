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
    /// <summary>
    /// Steps, each its own process so /usr/bin/time -v gives each one's peak RSS:
    /// <c>generate MiB DIR</c>, <c>backup DIR</c>, <c>next-day DIR</c> (edits the database, then backs up),
    /// <c>restore DIR</c>, <c>verify DIR</c>, <c>all MiB DIR</c> (every step in one process).
    /// </summary>
    public static async Task<int> RunAsync(string[] args)
    {
        string step = args.Length > 0 ? args[0] : "all";
        string work = args.Length > 2 ? args[2] : args.Length > 1 && step is not ("generate" or "all") ? args[1] : Path.Combine(Path.GetTempPath(), "lockbox-throughput");
        int mib = step is "generate" or "all" && args.Length > 1 ? int.Parse(args[1], CultureInfo.InvariantCulture) : 200;
        string source = Path.Combine(work, "source");
        string media = Path.Combine(source, "media");
        string db = Path.Combine(source, "msgstore.db");
        switch (step)
        {
            case "generate": Generate(work, mib); return 0;
            case "backup": await BackupAsync(work, db, media, "first backup").ConfigureAwait(false); return 0;
            case "next-day": NextDay(db); await BackupAsync(work, db, media, "next-day backup").ConfigureAwait(false); return 0;
            case "restore": await RestoreAsync(work).ConfigureAwait(false); return 0;
            case "verify": return await VerifyAsync(work).ConfigureAwait(false);
            case "all":
                Generate(work, mib);
                await BackupAsync(work, db, media, "first backup").ConfigureAwait(false);
                NextDay(db);
                await BackupAsync(work, db, media, "next-day backup").ConfigureAwait(false);
                await RestoreAsync(work).ConfigureAwait(false);
                return await VerifyAsync(work).ConfigureAwait(false);
            default:
                Console.Error.WriteLine("usage: repository-throughput generate MiB DIR | backup DIR | next-day DIR | restore DIR | verify DIR | all MiB DIR");
                return 2;
        }
    }

    private static void Generate(string work, int mib)
    {
        if (Directory.Exists(work)) Directory.Delete(work, recursive: true);
        string source = Directory.CreateDirectory(Path.Combine(work, "source")).FullName;
        string media = Directory.CreateDirectory(Path.Combine(source, "media")).FullName;
        var clock = Stopwatch.StartNew();
        int messages = GenerateDatabase(Path.Combine(source, "msgstore.db"), (long)mib * 1024 * 1024 / 2);
        long mediaBytes = GenerateMedia(media, (long)mib * 1024 * 1024 / 2);
        File.WriteAllText(Path.Combine(work, "messages"), messages.ToString(CultureInfo.InvariantCulture));
        using BackupKey key = BackupKey.Generate();
        byte[] raw = new byte[BackupKey.Size];
        key.CopyTo(raw);
        File.WriteAllText(Path.Combine(work, "key"), Convert.ToHexString(raw));
        Console.WriteLine($"data: database {new FileInfo(Path.Combine(source, "msgstore.db")).Length / 1048576.0:F1} MiB ({messages} messages), media {mediaBytes / 1048576.0:F1} MiB, generated in {clock.Elapsed.TotalSeconds:F1} s");
    }

    private static BackupKey Key(string work) => BackupKey.Import(Convert.FromHexString(File.ReadAllText(Path.Combine(work, "key"))));

    private static async Task<BackupRepository> OpenAsync(string work, BackupKey key)
    {
        var store = new FolderBlobStore(Path.Combine(work, "repo"));
        try { return await BackupRepository.OpenAsync(store, key).ConfigureAwait(false); }
        catch (NotARepositoryException) { return await BackupRepository.InitAsync(store, key).ConfigureAwait(false); }
    }

    private static async Task BackupAsync(string work, string db, string media, string what)
    {
        using BackupKey key = Key(work);
        await using BackupRepository repo = await OpenAsync(work, key).ConfigureAwait(false);
        var clock = Stopwatch.StartNew();
        var phases = new PhaseClock<BackupProgress>(p => p.Phase, clock);
        SnapshotSummary s = await repo.BackupAsync(new BackupSource(db, media, "bench"), phases).ConfigureAwait(false);
        Console.WriteLine($"  phases: {phases}");
        Report(what, clock.Elapsed, s.DatabaseBytes + s.MediaBytes, s.BytesAdded);
        Console.WriteLine($"  added {100.0 * s.BytesAdded / s.DatabaseBytes:F2}% of the database size ({s.DatabaseBytes / 1048576.0:F1} MiB); repository {s.BytesStored / 1048576.0:F1} MiB");
        PrintPeak();
    }

    private static void NextDay(string db)
    {
        int messages = int.Parse(File.ReadAllText(Path.Combine(Path.GetDirectoryName(Path.GetDirectoryName(db)!)!, "messages")), CultureInfo.InvariantCulture);
        using var c = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = db, Pooling = false }.ToString());
        c.Open();
        AddMessages(c, messages, messages / 100, seed: 99);
        using var edit = c.CreateCommand();
        edit.CommandText = $"UPDATE messages SET body = body || ' (edited)' WHERE id % {Math.Max(1, messages / 300)} = 0";
        edit.ExecuteNonQuery();
        File.WriteAllText(Path.Combine(Path.GetDirectoryName(Path.GetDirectoryName(db)!)!, "messages"), (messages + messages / 100).ToString(CultureInfo.InvariantCulture));
    }

    private static async Task RestoreAsync(string work)
    {
        using BackupKey key = Key(work);
        await using BackupRepository repo = await OpenAsync(work, key).ConfigureAwait(false);
        string target = Path.Combine(work, "restored");
        if (Directory.Exists(target)) Directory.Delete(target, recursive: true);
        var clock = Stopwatch.StartNew();
        var phases = new PhaseClock<RestoreProgress>(p => p.Phase, clock);
        RestoreResult restored = await repo.RestoreAsync("latest", target, progress: phases).ConfigureAwait(false);
        Console.WriteLine($"  phases: {phases}");
        Report("restore", clock.Elapsed, restored.BytesWritten, 0);
        PrintPeak();
    }

    private static async Task<int> VerifyAsync(string work)
    {
        using BackupKey key = Key(work);
        await using BackupRepository repo = await OpenAsync(work, key).ConfigureAwait(false);
        var clock = Stopwatch.StartNew();
        VerifyReport verify = await repo.VerifyAsync(readData: true).ConfigureAwait(false);
        Console.WriteLine($"verify --read-data: {(verify.IsHealthy ? "healthy" : string.Join("; ", verify.Problems))} in {clock.Elapsed.TotalSeconds:F2} s, {verify.BlobsChecked} blobs");
        PrintPeak();
        return verify.IsHealthy ? 0 : 1;
    }

    /// <summary>Records when each progress phase first appears (reported inline, not via the thread pool).</summary>
    private sealed class PhaseClock<T>(Func<T, string> phaseOf, Stopwatch clock) : IProgress<T>
    {
        private readonly List<string> _seen = [];

        public void Report(T value)
        {
            string phase = phaseOf(value);
            lock (_seen)
                if (!_seen.Any(s => s.StartsWith(phase + " ", StringComparison.Ordinal))) _seen.Add($"{phase} at {clock.Elapsed.TotalSeconds:F2} s");
        }

        public override string ToString() => string.Join(", ", _seen);
    }

    private static void PrintPeak() => Console.WriteLine($"  peak working set {Process.GetCurrentProcess().PeakWorkingSet64 / 1048576} MiB");

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
            File.WriteAllBytes(Path.Combine(chatDir, $"IMG-{i:D5}.jpg"), buffer.AsSpan(0, size));
            total += size;
            if (i % 7 == 0)
            {
                string other = Directory.CreateDirectory(Path.Combine(folder, $"chat{(i + 1) % 20}")).FullName;
                File.WriteAllBytes(Path.Combine(other, $"IMG-{i:D5}-fwd.jpg"), buffer.AsSpan(0, size));
                total += size;
            }
            i++;
        }
        return total;
    }
}
