using System.Globalization;

namespace Lockbox.Cli.Demo;

/// <summary>
/// Generates a realistic chat on disk: <c>msgstore.db</c> (WAL mode, thousands to millions of messages
/// over many individual and group chats, receipts and media rows) and <c>Media/</c> beside it.
/// The same spec and seed always give the same data.
/// </summary>
internal static class ChatGenerator
{
    public const string DatabaseFileName = "msgstore.db";
    public const string MediaFolderName = "Media";
    private const int Contacts = 400;
    private const int Batch = 5_000;
    /// <summary>Messages per transaction: at least this many, and at least a quarter of those already written.</summary>
    private const int MinCommit = 100_000;
    internal static readonly long FirstTimestamp = new DateTimeOffset(2024, 1, 1, 8, 0, 0, TimeSpan.Zero).ToUnixTimeMilliseconds();

    public static GeneratedChat Generate(string directory, ChatSpec spec, CancellationToken cancellationToken)
    {
        Directory.CreateDirectory(directory);
        string databasePath = Path.Combine(directory, DatabaseFileName);
        string mediaDirectory = Path.Combine(directory, MediaFolderName);
        if (File.Exists(databasePath) || Directory.Exists(mediaDirectory))
            throw new CliException(ExitCodes.Usage, $"{directory} already holds a chat; choose an empty folder.");

        IReadOnlyList<MediaItem> media = MediaGenerator.Write(mediaDirectory, spec.MediaBytes, spec.Seed, cancellationToken);

        var random = new FastRandom(spec.Seed);
        using var db = new ChatDatabase(databasePath,
            bulkBytes: spec.Messages > long.MaxValue / 340 ? spec.DatabaseBytes : Math.Min(spec.DatabaseBytes, spec.Messages * 340));
        db.Begin();
        for (int j = 1; j <= Contacts; j++)
        {
            string user = (447_700_000_000L + j * 7919L).ToString(CultureInfo.InvariantCulture);
            db.Execute($"INSERT INTO jid (_id, user, server, raw_string, display_name) VALUES ({j}, '{user}', 's.whatsapp.net', '{user}@s.whatsapp.net', 'Contact {j}')");
        }
        for (int c = 1; c <= spec.Chats; c++)
        {
            bool group = c % 4 == 0;
            long jid = group ? 10_000 + c : 1 + (c - 1) % Contacts;
            if (group)
                db.Execute($"INSERT INTO jid (_id, user, server, raw_string) VALUES ({jid}, '120363{jid}', 'g.us', '120363{jid}@g.us')");
            string subject = group ? $"'{ChatText.GroupName(c / 4 - 1).Replace("'", "''", StringComparison.Ordinal)}'" : "NULL";
            db.Execute($"INSERT INTO chat (_id, jid_row_id, subject, created_timestamp) VALUES ({c}, {jid}, {subject}, {FirstTimestamp})");
        }
        db.Commit();

        long expected = spec.Messages != long.MaxValue ? spec.Messages : Math.Max(1, spec.DatabaseBytes / 330);
        double mediaChance = media.Count / (double)expected;
        var writer = new MessageWriter(db, random, spec.Chats, FirstTimestamp);
        int nextMedia = 0;
        long messages = 0;
        long committed = 0;
        db.Begin();
        while (messages < spec.Messages)
        {
            cancellationToken.ThrowIfCancellationRequested();
            for (int i = 0; i < Batch && messages < spec.Messages; i++, messages++)
            {
                if (nextMedia < media.Count && random.NextDouble() < mediaChance)
                    writer.WriteMedia(media[nextMedia++]);
                else
                    writer.WriteText();
            }
            // The size is checked after every batch, as it always was (the dataset stops at the same message). A commit
            // writes every index page the transaction touched to the WAL and then into the database, and random keys touch
            // nearly all of them: transactions that grow with the database keep that from growing with its square.
            if (db.SizeBytes >= spec.DatabaseBytes) break;
            if (messages - committed >= Math.Max(MinCommit, committed / 4))
            {
                db.Commit();
                db.Begin();
                committed = messages;
            }
        }
        for (; nextMedia < media.Count; nextMedia++, messages++)
            writer.WriteMedia(media[nextMedia]);
        // Each chat's newest message, known from the writes: the same updates in the same (rowid) order as
        // "UPDATE chat SET last_message_row_id = (SELECT max(_id) ...)", without scanning the whole message index for it.
        for (int c = 1; c <= spec.Chats; c++)
            db.Execute($"UPDATE chat SET last_message_row_id = {(writer.LastMessage(c) is { } last ? last.ToString(CultureInfo.InvariantCulture) : "NULL")} WHERE _id = {c}");
        db.Commit();
        long databaseBytes = db.SizeBytes;

        return new GeneratedChat(databasePath, mediaDirectory, messages, spec.Chats, databaseBytes, media.Count,
            media.Select(m => m.ContentId).Distinct().Count(), media.Sum(m => m.Size));
    }
}
