namespace Lockbox.Cli.Demo;

/// <summary>Writes one message at a time into a <see cref="ChatDatabase"/>, as a day of chatting would.</summary>
internal sealed class MessageWriter(ChatDatabase db, FastRandom random, int chats, long startTimestamp, IReadOnlyList<long>? activeChats = null)
{
    private const int Contacts = 400;
    private long _timestamp = startTimestamp;
    private readonly Dictionary<long, long> _last = [];

    /// <summary>The newest message this writer wrote to <paramref name="chat"/>, if any.</summary>
    public long? LastMessage(long chat) => _last.TryGetValue(chat, out long id) ? id : null;

    public long WriteText()
    {
        (long chat, bool fromMe, long? sender) = Pick();
        long id = db.InsertMessage(chat, fromMe, KeyId(), sender, fromMe ? 13 : 0, Tick(), 0, ChatText.Message(random));
        _last[chat] = id;
        if (fromMe && chat % 4 == 0)
        {
            // Delivery/read receipts from a few group members.
            int receipts = 1 + random.Next(3);
            for (int r = 0; r < receipts; r++) db.InsertReceipt(id, 1 + random.Next(Contacts), _timestamp + 2_000);
        }
        return id;
    }

    public long WriteMedia(MediaItem item)
    {
        (long chat, bool fromMe, long? sender) = Pick();
        int type = item.MimeType switch
        {
            var m when m.StartsWith("image/", StringComparison.Ordinal) => 1,
            var m when m.StartsWith("audio/", StringComparison.Ordinal) => 2,
            var m when m.StartsWith("video/", StringComparison.Ordinal) => 3,
            _ => 9,
        };
        string? caption = type == 1 && random.Next(3) == 0 ? ChatText.Message(random) : null;
        long id = db.InsertMessage(chat, fromMe, KeyId(), sender, fromMe ? 13 : 0, Tick(), type, caption);
        _last[chat] = id;
        db.InsertMedia(id, chat, item);
        return id;
    }

    private (long Chat, bool FromMe, long? Sender) Pick()
    {
        // A few chats are busy, most are quiet; on a given day only some chats are active at all.
        double r = random.NextDouble();
        long chat = activeChats is { Count: > 0 } ? activeChats[(int)(activeChats.Count * r * r)] : 1 + (long)(chats * r * r);
        bool fromMe = random.Next(10) < 4;
        long? sender = fromMe || chat % 4 != 0 ? null : 1 + random.Next(Contacts);
        return (chat, fromMe, sender);
    }

    private long Tick() => _timestamp += 1_000 + random.Next(120_000);

    private string KeyId() => "3EB0" + random.NextUInt64().ToString("X16", System.Globalization.CultureInfo.InvariantCulture);
}
