using System.Security.Cryptography;
using System.Text;
using Lockbox.Cli.Demo;
using Lockbox.Cli.Tests.Support;

namespace Lockbox.Cli.Tests;

/// <summary>
/// The generated dataset pinned byte for byte: benchmarks/compare.sh's figures (bytes added on the next day, dedup of
/// forwarded media) are only comparable across versions if a seed and size give the same files. The digests were taken
/// with the generator as it was before it was made fast (issue 12); a change to them is a change to every benchmark.
/// </summary>
public sealed class GeneratedBytesTests : IDisposable
{
    private readonly Workspace _w = new();

    public void Dispose() => _w.Dispose();

    [Fact]
    public void SizedChatAndItsNextDayAreTheSameBytesAsBefore()
    {
        // Size-bounded (the path compare.sh takes): the database stops growing at half of 12 MiB.
        GeneratedChat chat = ChatGenerator.Generate(_w.PathOf("sized"), ChatSpec.OfSize(12L << 20, 2026), CancellationToken.None);
        Pin("9B962ECD6A799CE06B340FB6D43E428D29515E343B5F037767AD2CC8E5E76656", FileDigest(chat.DatabasePath));
        Pin("C7E1543D3F4CD682685C2A41F23ACFEB9135D3C7A73FD7C4224DC79AED4FDB7B", MediaDigest(chat.MediaDirectory));
        Pin("40000 6725632 6 6 6291456", $"{chat.Messages} {chat.DatabaseBytes} {chat.MediaFiles} {chat.DistinctMedia} {chat.MediaBytes}");

        NextDay.Apply(chat.DatabasePath, ChatSpec.Demo.Seed + 1);
        Pin("02D8E332145179C6C4B60CDA77DED526F1925A82F9101E961A5A54DD51651BF7", FileDigest(chat.DatabasePath));
    }

    [Fact]
    public void CountedChatAndItsNextDayAreTheSameBytesAsBefore()
    {
        // Message-bounded (the demo's path), with a batch boundary inside it and group receipts.
        GeneratedChat chat = _w.MakeChat("counted", messages: 12_345, mediaBytes: 3L << 20, seed: 5);
        Pin("049702906A2A892F3C51D10501D647D688851177F9E42CAAD50A0C6ECC064423", FileDigest(chat.DatabasePath));
        Pin("32CAE38508A4B7164154458F801D5DAFA2F91FB2E1EE352B58AD8139B02ACD34", MediaDigest(chat.MediaDirectory));

        NextDay.Apply(chat.DatabasePath, 9, 0.01, 50);
        Pin("6FBCF7832F13E940E6ED2F24A9AD95A0CAB727D1CA12614E995A6269FF2727A0", FileDigest(chat.DatabasePath));
    }

    /// <summary>Fails with both values in full, so a deliberate change can be pinned anew from the message.</summary>
    private static void Pin(string expected, string actual)
    {
        if (!string.Equals(expected, actual, StringComparison.Ordinal)) Assert.Fail($"expected {expected}, got {actual}");
    }

    private static string FileDigest(string path)
    {
        Assert.False(File.Exists(path + "-wal") && new FileInfo(path + "-wal").Length > 0, "the database must be checkpointed");
        return Convert.ToHexString(SHA256.HashData(File.ReadAllBytes(path)));
    }

    /// <summary>Every media file's path, size and content, in ordinal path order.</summary>
    private static string MediaDigest(string directory)
    {
        var list = new StringBuilder();
        foreach (string file in Directory.EnumerateFiles(directory, "*", SearchOption.AllDirectories)
                     .Select(f => Path.GetRelativePath(directory, f).Replace('\\', '/')).Order(StringComparer.Ordinal))
        {
            byte[] bytes = File.ReadAllBytes(Path.Combine(directory, file));
            list.Append(file).Append('\t').Append(bytes.Length).Append('\t').Append(Convert.ToHexString(SHA256.HashData(bytes))).Append('\n');
        }
        return Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(list.ToString())));
    }
}
