namespace Lockbox.Cli.Demo;

/// <summary>
/// A day of chatting applied to a generated database, the change an incremental backup has to pick up.
/// As on a real day: about 1% new messages, in a handful of active chats (one in eight, at least three),
/// busy ones more often, with random message keys so every active chat's key index takes scattered inserts;
/// and, spread over every chat (not only the active ones), what a day does to old rows: the newest messages
/// of each chat are marked read and its unseen count cleared (read receipts), 0.1% of all messages (at least
/// <c>edits</c>) get a status change or a star, and reactions and receipts land on old messages anywhere in
/// the history (one per 500 messages), as do group members' late read receipts.
/// </summary>
internal static class NextDay
{
    /// <summary>Share of all message rows that get a status change or star in one day (issue 12: 0.1%).</summary>
    public const double EditedFraction = 0.001;
    private const int ReadPerChat = 5;
    private const int MessagesPerReaction = 500;

    public static (long Added, int Edited) Apply(string databasePath, ulong seed, double newFraction = 0.01, int edits = 300)
    {
        if (!File.Exists(databasePath))
            throw new CliException(ExitCodes.BadSource, $"The database {databasePath} does not exist.");
        using var db = new ChatDatabase(databasePath);
        long count = db.Scalar("SELECT count(*) FROM message");
        long maxId = db.Scalar("SELECT coalesce(max(_id), 0) FROM message");
        long lastTimestamp = db.Scalar($"SELECT coalesce(max(timestamp), {ChatGenerator.FirstTimestamp}) FROM message");
        int chats = (int)Math.Max(1, db.Scalar("SELECT count(*) FROM chat"));
        var random = new FastRandom(seed ^ (ulong)count);
        var active = new List<long>();
        int activeCount = Math.Min(chats, Math.Max(3, chats / 8));
        while (active.Count < activeCount)
        {
            double r = random.NextDouble();
            long chat = 1 + (long)(chats * r * r);
            if (!active.Contains(chat)) active.Add(chat);
        }
        var writer = new MessageWriter(db, random, chats, lastTimestamp, active);

        long added = Math.Max(1, (long)(count * newFraction));
        db.Begin();
        for (long i = 0; i < added; i++) writer.WriteText();

        // Read receipts in every chat: its newest messages read, its unseen count cleared.
        int edited = 0;
        for (int chat = 1; chat <= chats; chat++)
        {
            db.Execute($"""
                UPDATE message SET status = 13 WHERE _id IN
                  (SELECT _id FROM message WHERE chat_row_id = {chat} ORDER BY timestamp DESC LIMIT {ReadPerChat})
                """);
            edited += ReadPerChat;
        }
        db.Execute("UPDATE chat SET unseen_message_count = 0, last_message_row_id = (SELECT max(_id) FROM message WHERE chat_row_id = chat._id)");

        // Status changes and stars on rows anywhere in the history.
        long scattered = Math.Max(edits, (long)(count * EditedFraction));
        for (long i = 0; i < scattered && maxId > 0; i++)
        {
            long id = 1 + (long)(random.NextUInt64() % (ulong)maxId);
            db.Execute($"UPDATE message SET status = {5 + random.Next(9)}, starred = {random.Next(2)} WHERE _id = {id}");
            edited++;
        }

        // Reactions and late receipts on old messages, and group members reading old messages.
        long reactions = count / MessagesPerReaction;
        long receipts = Math.Max(1, db.Scalar("SELECT coalesce(max(_id), 0) FROM receipt_user"));
        for (long i = 0; i < reactions && maxId > 0; i++)
        {
            long id = 1 + (long)(random.NextUInt64() % (ulong)maxId);
            db.InsertReceipt(id, 1 + random.Next(400), lastTimestamp + 1_000 * i);
            long receipt = 1 + (long)(random.NextUInt64() % (ulong)receipts);
            db.Execute($"UPDATE receipt_user SET read_timestamp = {lastTimestamp + 1_000 * i} WHERE _id = {receipt}");
            edited += 2;
        }
        db.Commit();
        return (added, edited);
    }
}
