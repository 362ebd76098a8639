using System.Diagnostics;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using Amazon.S3;
using Amazon.S3.Model;
using Azure.Storage.Blobs;
using Lockbox.Cryptography;
using Lockbox.Repository;
using Lockbox.Repository.Storage;
using Lockbox.Storage.Azure;
using Lockbox.Storage.S3;
using Microsoft.Data.Sqlite;

namespace Lockbox.Benchmarks.Storage;

/// <summary>
/// The backup engine's throughput to each store on loopback: the same generated chat data (half
/// SQLite database, half media) backed up to the folder store, to S3 (s3rver) and to Azure Blob
/// (Azurite), then a next-day backup, a full restore and a verify that reads every pack.
/// Run through benchmarks/stores.sh, which starts the servers and sets
/// LOCKBOX_BENCH_S3_ENDPOINT and LOCKBOX_BENCH_AZURE_CONNECTION_STRING.
/// </summary>
internal static class StoreThroughput
{
    /// <summary><c>stores-throughput [MiB] [folder,s3,azure]</c></summary>
    public static async Task<int> RunAsync(string[] args)
    {
        var mib = args.Length > 0 ? int.Parse(args[0], CultureInfo.InvariantCulture) : 200;
        var kinds = args.Length > 1 ? args[1].Split(',') : ["folder", "s3", "azure"];
        var work = Directory.CreateTempSubdirectory("lockbox-stores-").FullName;
        try
        {
            var pristine = Path.Combine(work, "pristine");
            var clock = Stopwatch.StartNew();
            var messages = Generate(pristine, mib);
            Console.WriteLine($"data: {Size(pristine) / 1048576.0:F0} MiB ({messages} messages, half database, half media), generated in {clock.Elapsed.TotalSeconds:F0} s");
            Console.WriteLine();
            Console.WriteLine("| store | first backup | next-day backup | restore | verify --read-data |");
            Console.WriteLine("|---|---|---|---|---|");
            foreach (var kind in kinds)
            {
                Console.WriteLine(await MeasureAsync(kind, pristine, Path.Combine(work, kind), messages).ConfigureAwait(false));
            }
            return 0;
        }
        finally
        {
            Directory.Delete(work, recursive: true);
        }
    }

    private static async Task<string> MeasureAsync(string kind, string pristine, string work, int messages)
    {
        var source = Path.Combine(work, "source");
        CopyFolder(pristine, source);
        var db = Path.Combine(source, "msgstore.db");
        var media = Path.Combine(source, "media");
        var store = await CreateStoreAsync(kind, work).ConfigureAwait(false);
        using var key = BackupKey.Generate();
        await using var repository = await BackupRepository.InitAsync(store, key).ConfigureAwait(false);

        var clock = Stopwatch.StartNew();
        var first = await repository.BackupAsync(new BackupSource(db, media, "bench")).ConfigureAwait(false);
        var firstTime = clock.Elapsed;

        NextDay(db, messages);
        clock.Restart();
        var next = await repository.BackupAsync(new BackupSource(db, media, "bench")).ConfigureAwait(false);
        var nextTime = clock.Elapsed;

        clock.Restart();
        var restored = await repository.RestoreAsync("latest", Path.Combine(work, "restored")).ConfigureAwait(false);
        var restoreTime = clock.Elapsed;

        clock.Restart();
        var verify = await repository.VerifyAsync(readData: true).ConfigureAwait(false);
        var verifyTime = clock.Elapsed;
        if (!verify.IsHealthy)
        {
            throw new InvalidOperationException($"{kind}: verify found {string.Join("; ", verify.Problems)}");
        }

        return $"| {store.Description.Split(' ')[0].Split(':')[0]} | {Rate(first.DatabaseBytes + first.MediaBytes, firstTime)} | "
            + $"{nextTime.TotalSeconds:F1} s, sent {next.BytesAdded / 1048576.0:F1} MiB | {Rate(restored.BytesWritten, restoreTime)} | "
            + $"{Rate(verify.BytesRead, verifyTime)} |";
    }

    private static async Task<IBlobStore> CreateStoreAsync(string kind, string work)
    {
        var name = $"lockbox-bench-{Guid.NewGuid():N}"[..40];
        switch (kind)
        {
            case "folder":
                return new FolderBlobStore(Path.Combine(work, "repo"));
            case "s3":
                var endpoint = new Uri(Require("LOCKBOX_BENCH_S3_ENDPOINT"));
                using (var client = new AmazonS3Client("S3RVER", "S3RVER", new AmazonS3Config { ServiceURL = endpoint.ToString(), ForcePathStyle = true, AuthenticationRegion = "us-east-1" }))
                {
                    await client.PutBucketAsync(new PutBucketRequest { BucketName = name }).ConfigureAwait(false);
                }
                return new S3BlobStore(new S3StoreOptions(name, "repo", "S3RVER", "S3RVER") { Endpoint = endpoint });
            case "azure":
                var connection = Require("LOCKBOX_BENCH_AZURE_CONNECTION_STRING");
                await new BlobContainerClient(connection, name).CreateAsync().ConfigureAwait(false);
                return new AzureBlobStore(new AzureStoreOptions(name, "repo", connection));
            default:
                throw new ArgumentException($"unknown store '{kind}': folder, s3 or azure");
        }
    }

    private static string Rate(long bytes, TimeSpan elapsed) =>
        $"{elapsed.TotalSeconds:F1} s, {bytes / 1048576.0 / elapsed.TotalSeconds:F0} MiB/s";

    private static string Require(string variable) =>
        Environment.GetEnvironmentVariable(variable) is { Length: > 0 } value
            ? value
            : throw new InvalidOperationException($"{variable} is not set: run benchmarks/stores.sh");

    private static int Generate(string folder, int mib)
    {
        var media = Directory.CreateDirectory(Path.Combine(folder, "media")).FullName;
        var db = Path.Combine(folder, "msgstore.db");
        var half = (long)mib * 1024 * 1024 / 2;
        var messages = 0;
        using (var c = Open(db))
        {
            Exec(c, "PRAGMA journal_mode=WAL; CREATE TABLE messages(id INTEGER PRIMARY KEY, chat INTEGER, sent INTEGER, body TEXT); CREATE INDEX by_chat ON messages(chat, sent);");
            while (new FileInfo(db).Length + WalSize(db) < half)
            {
                AddMessages(c, messages, 20_000);
                messages += 20_000;
            }
            Exec(c, "PRAGMA wal_checkpoint(TRUNCATE);");
        }
        long written = 0;
        for (var i = 0; written < half; i++)
        {
            // Photos of 100 KiB to 3 MiB, every tenth a video of 8 MiB: incompressible, like real media.
            var size = i % 10 == 9 ? 8 << 20 : 100 * 1024 + (int)((uint)(i * 2654435761u) % (3 << 20));
            var chat = Directory.CreateDirectory(Path.Combine(media, $"chat{i % 20}")).FullName;
            File.WriteAllBytes(Path.Combine(chat, $"IMG-{i:D5}.jpg"), RandomNumberGenerator.GetBytes(size));
            written += size;
        }
        return messages;
    }

    private static void NextDay(string db, int messages)
    {
        using var c = Open(db);
        AddMessages(c, messages, messages / 100);
        Exec(c, $"UPDATE messages SET body = body || ' (edited)' WHERE id % {Math.Max(1, messages / 300)} = 0;");
    }

    private static void AddMessages(SqliteConnection c, int start, int count)
    {
        string[] words = ["hey", "ok", "see", "you", "tomorrow", "lunch", "photo", "call", "later", "train", "late", "thanks", "great", "idea"];
        var state = (uint)start * 2654435761u + 1;
        uint Next() => state = state * 1664525 + 1013904223;
        using var tx = c.BeginTransaction();
        using var cmd = c.CreateCommand();
        cmd.CommandText = "INSERT INTO messages(id, chat, sent, body) VALUES ($id, $chat, $sent, $body)";
        var body = new StringBuilder();
        for (var i = start; i < start + count; i++)
        {
            body.Clear();
            for (var w = 3 + (int)(Next() % 25); w > 0; w--)
            {
                body.Append(words[Next() % (uint)words.Length]).Append(' ');
            }
            body.Append(Next().ToString("x8", CultureInfo.InvariantCulture));
            cmd.Parameters.Clear();
            cmd.Parameters.AddWithValue("$id", i + 1);
            cmd.Parameters.AddWithValue("$chat", Next() % 200);
            cmd.Parameters.AddWithValue("$sent", 1_790_000_000_000L + i * 6000L);
            cmd.Parameters.AddWithValue("$body", body.ToString());
            cmd.ExecuteNonQuery();
        }
        tx.Commit();
    }

    private static SqliteConnection Open(string path)
    {
        var c = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = path, Pooling = false }.ToString());
        c.Open();
        return c;
    }

    private static void Exec(SqliteConnection c, string sql)
    {
        using var cmd = c.CreateCommand();
        cmd.CommandText = sql;
        cmd.ExecuteNonQuery();
    }

    private static long WalSize(string db) => File.Exists(db + "-wal") ? new FileInfo(db + "-wal").Length : 0;

    private static long Size(string folder) => Directory.EnumerateFiles(folder, "*", SearchOption.AllDirectories).Sum(f => new FileInfo(f).Length);

    private static void CopyFolder(string from, string to)
    {
        foreach (var file in Directory.EnumerateFiles(from, "*", SearchOption.AllDirectories))
        {
            var target = Path.Combine(to, Path.GetRelativePath(from, file));
            Directory.CreateDirectory(Path.GetDirectoryName(target)!);
            File.Copy(file, target);
        }
    }
}
