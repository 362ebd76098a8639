namespace Lockbox.Cli.Demo;

/// <summary>What <see cref="ChatGenerator"/> wrote: the database and the media folder beside it.</summary>
internal sealed record GeneratedChat(string DatabasePath, string MediaDirectory, long Messages, int Chats, long DatabaseBytes, int MediaFiles, int DistinctMedia, long MediaBytes);
