using System.Text;

namespace Lockbox.Cli.Demo;

/// <summary>Message texts that read like chat: short, mixed languages, the odd emoji.</summary>
internal static class ChatText
{
    private static readonly string[] Words =
    [
        "ok", "yes", "no", "maybe", "tomorrow", "today", "tonight", "later", "dinner", "lunch", "coffee", "meeting",
        "call", "me", "you", "we", "they", "the", "a", "is", "are", "was", "will", "be", "at", "in", "on", "for",
        "with", "home", "work", "train", "late", "sorry", "thanks", "thank", "great", "cool", "nice", "love", "miss",
        "photo", "video", "look", "this", "that", "here", "there", "when", "where", "what", "why", "how", "who",
        "can", "could", "should", "send", "sent", "got", "get", "going", "come", "coming", "leave", "left", "right",
        "weekend", "monday", "friday", "birthday", "party", "kids", "school", "doctor", "groceries", "milk", "bread",
        "flight", "hotel", "ticket", "game", "match", "score", "news", "weather", "rain", "sun", "beach", "park",
        "café", "déjà", "vu", "über", "mañana", "gracias", "merci", "danke", "ciao", "obrigado", "naïve", "jalapeño",
        "haha", "lol", "omg", "brb", "idk", "btw", "👍", "😂", "❤️", "🎉", "🙏", "😅", "🔥", "☕",
    ];

    private static readonly string[] Groups =
    [
        "Family", "Book club", "Football Sundays", "Flat 3B", "Work – release team", "School parents", "Climbing 🧗",
        "Wedding planning", "Neighbours", "Trip to Lisboa", "Choir", "Old friends", "Startup ideas", "Cousins 🎉",
    ];

    public static string Message(FastRandom random)
    {
        int words = 1 + (int)Math.Min(60, -Math.Log(1 - random.NextDouble()) * 9);
        var text = new StringBuilder(words * 6);
        for (int i = 0; i < words; i++)
        {
            if (i > 0) text.Append(' ');
            text.Append(Words[random.Next(Words.Length)]);
        }
        if (random.Next(5) == 0) text.Append(random.Next(2) == 0 ? '?' : '!');
        return text.ToString();
    }

    public static string GroupName(int index) =>
        index < Groups.Length ? Groups[index] : $"{Groups[index % Groups.Length]} {index / Groups.Length + 1}";
}
