using System.Globalization;
using System.Security.Cryptography;

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
    internal static readonly long FirstTimestamp = new DateTimeOffset(2024, 1, 1, 8, 0, 0, TimeSpan.Zero).ToUnixTimeMilliseconds();

    public static GeneratedChat Generate(string directory, ChatSpec spec, CancellationToken cancellationToken)
    {
        Directory.CreateDirectory(directory);
        string databasePath = Path.Combine(directory, DatabaseFileName);
        string mediaDirectory = Path.Combine(directory, MediaFolderName);
        if (File.Exists(databasePath) || Directory.Exists(mediaDirectory))
            throw new CliException(ExitCodes.Usage, $"{directory} already holds a chat; choose an empty folder.");

        IReadOnlyList<MediaItem> media = MediaGenerator.Write(mediaDirectory, spec.MediaBytes, spec.Seed, cancellationToken);
        var hashes = new Dictionary<int, string>();
        foreach (MediaItem item in media)
        {
            if (!hashes.ContainsKey(item.ContentId))
            {
                using FileStream file = File.OpenRead(Path.Combine(mediaDirectory, item.RelativePath));
                hashes[item.ContentId] = Convert.ToBase64String(SHA256.HashData(file));
            }
        }

        var random = new FastRandom(spec.Seed);
        using var db = new ChatDatabase(databasePath);
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
        while (messages < spec.Messages)
        {
            cancellationToken.ThrowIfCancellationRequested();
            db.Begin();
            for (int i = 0; i < Batch && messages < spec.Messages; i++, messages++)
            {
                if (nextMedia < media.Count && random.NextDouble() < mediaChance)
                {
                    MediaItem item = media[nextMedia++];
                    writer.WriteMedia(item, hashes[item.ContentId]);
                }
                else
                {
                    writer.WriteText();
                }
            }
            db.Commit();
            if (db.SizeBytes >= spec.DatabaseBytes) break;
        }
        db.Begin();
        for (; nextMedia < media.Count; nextMedia++, messages++)
            writer.WriteMedia(media[nextMedia], hashes[media[nextMedia].ContentId]);
        db.Execute("UPDATE chat SET last_message_row_id = (SELECT max(_id) FROM message WHERE chat_row_id = chat._id)");
        db.Commit();
        long databaseBytes = db.SizeBytes;

        return new GeneratedChat(databasePath, mediaDirectory, messages, spec.Chats, databaseBytes, media.Count,
            hashes.Count, media.Sum(m => m.Size));
    }
}
