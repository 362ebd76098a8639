namespace Lockbox.Cli.Demo;

/// <summary>
/// A day of chatting applied to a generated database: about 1% new messages and a few hundred
/// scattered edits (read receipts, stars), the change an incremental backup has to pick up. As on a
/// real day, the new messages go to a handful of active chats (one in eight, at least three), busy
/// ones more often; message keys stay random, so every active chat's key index still takes
/// scattered inserts.
/// </summary>
internal static class NextDay
{
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
        int edited = 0;
        for (int i = 0; i < edits && maxId > 0; i++)
        {
            long id = 1 + (long)(random.NextUInt64() % (ulong)maxId);
            db.Execute($"UPDATE message SET status = 13, starred = {random.Next(2)} WHERE _id = {id}");
            edited++;
        }
        db.Execute("UPDATE chat SET last_message_row_id = (SELECT max(_id) FROM message WHERE chat_row_id = chat._id)");
        db.Commit();
        return (added, edited);
    }
}
