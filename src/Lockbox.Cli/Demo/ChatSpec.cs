namespace Lockbox.Cli.Demo;

/// <summary>
/// What chat to generate. The database grows until it holds <see cref="Messages"/> messages or
/// reaches <see cref="DatabaseBytes"/>, whichever comes first; media until <see cref="MediaBytes"/>.
/// </summary>
internal sealed record ChatSpec(ulong Seed, int Chats, long Messages, long DatabaseBytes, long MediaBytes)
{
    /// <summary>The demo's default: thousands of messages in many chats, tens of MiB of media.</summary>
    public static ChatSpec Demo { get; } = new(Seed: 2026, Chats: 60, Messages: 30_000, DatabaseBytes: long.MaxValue, MediaBytes: 32L << 20);

    /// <summary>A dataset of about <paramref name="totalBytes"/>: half database, half media (for benchmarks).</summary>
    public static ChatSpec OfSize(long totalBytes, ulong seed) =>
        new(seed, Chats: 200, Messages: long.MaxValue, DatabaseBytes: totalBytes / 2, MediaBytes: totalBytes - totalBytes / 2);
}
