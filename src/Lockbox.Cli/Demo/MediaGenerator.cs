using System.Globalization;
using System.Security.Cryptography;

namespace Lockbox.Cli.Demo;

/// <summary>One media file the generator wrote, as a message in the database refers to it (with its SHA-256, base64).</summary>
internal sealed record MediaItem(string RelativePath, long Size, string MimeType, int DurationSeconds, int ContentId, string Hash);

/// <summary>
/// Writes a chat's media folder laid out like WhatsApp's: photos (~100 KB–3 MB), voice notes, a few
/// videos of several MB, a document with a non-ASCII name, and forwarded files — the same bytes
/// under several names, as when a photo is forwarded to several chats. Contents are seeded random
/// bytes behind a real format's magic number: real media is already compressed, so it is as
/// incompressible as this.
/// </summary>
internal static class MediaGenerator
{
    private static readonly DateTime Start = new(2026, 1, 1, 0, 0, 0, DateTimeKind.Utc);

    public static IReadOnlyList<MediaItem> Write(string directory, long budget, ulong seed, CancellationToken cancellationToken)
    {
        var random = new FastRandom(seed ^ 0x6d656469UL);
        var items = new List<MediaItem>();
        var distinct = new List<MediaItem>();
        long written = 0;
        int counter = 0;
        var buffer = new byte[1 << 20];

        if (budget > 0)
        {
            // One document with a non-ASCII name, as users do get them.
            MediaItem doc = WriteNew(directory, "WhatsApp Documents/Résumé – café ☕ 2026.pdf", Math.Min(180_000, budget), "application/pdf", 0, 0, "%PDF-1.7\n"u8, buffer, random);
            items.Add(doc);
            distinct.Add(doc);
            written += doc.Size;
        }

        while (written < budget)
        {
            cancellationToken.ThrowIfCancellationRequested();
            counter++;
            string day = Start.AddDays(counter / 7).ToString("yyyyMMdd", CultureInfo.InvariantCulture);
            double roll = random.NextDouble();
            MediaItem item;
            if (roll < 0.12 && distinct.Count > 1)
            {
                // Forwarded to one to three chats: the same bytes saved again under other names.
                MediaItem original = distinct[1 + random.Next(distinct.Count - 1)];
                string extension = Path.GetExtension(original.RelativePath);
                string folder = Path.GetDirectoryName(original.RelativePath)!;
                string prefix = extension switch { ".jpg" => "IMG", ".mp4" => "VID", _ => "PTT" };
                int copies = 1 + random.Next(3);
                for (int c = 1; c < copies; c++)
                {
                    MediaItem copy = original with { RelativePath = $"{folder}/{prefix}-{day}-WA{counter:D4}-{c}{extension}" };
                    File.Copy(Path.Combine(directory, original.RelativePath), Path.Combine(directory, copy.RelativePath));
                    items.Add(copy);
                    written += copy.Size;
                }
                item = original with { RelativePath = $"{folder}/{prefix}-{day}-WA{counter:D4}{extension}" };
                File.Copy(Path.Combine(directory, original.RelativePath), Path.Combine(directory, item.RelativePath));
            }
            else if (roll < 0.62)
            {
                long size = LogUniform(random, 100_000, 3_000_000);
                item = WriteNew(directory, $"WhatsApp Images/IMG-{day}-WA{counter:D4}.jpg", size, "image/jpeg", 0, distinct.Count, [0xFF, 0xD8, 0xFF, 0xE0], buffer, random);
                distinct.Add(item);
            }
            else if (roll < 0.92)
            {
                long size = LogUniform(random, 10_000, 600_000);
                item = WriteNew(directory, $"WhatsApp Voice Notes/PTT-{day}-WA{counter:D4}.opus", size, "audio/ogg; codecs=opus", (int)(size / 4_000), distinct.Count, "OggS"u8, buffer, random);
                distinct.Add(item);
            }
            else
            {
                long size = Math.Max(1_000_000, Math.Min(LogUniform(random, 2_000_000, 12_000_000), budget - written));
                item = WriteNew(directory, $"WhatsApp Video/VID-{day}-WA{counter:D4}.mp4", size, "video/mp4", (int)(size / 250_000), distinct.Count, "\0\0\0\u0018ftypmp42"u8, buffer, random);
                distinct.Add(item);
            }
            items.Add(item);
            written += item.Size;
        }
        return items;
    }

    private static long LogUniform(FastRandom random, long min, long max)
        => (long)Math.Exp(Math.Log(min) + random.NextDouble() * (Math.Log(max) - Math.Log(min)));

    private static MediaItem WriteNew(string directory, string relativePath, long size, string mime, int duration, int contentId,
        ReadOnlySpan<byte> magic, byte[] buffer, FastRandom random)
    {
        string path = Path.Combine(directory, relativePath);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        using var file = new FileStream(path, FileMode.CreateNew, FileAccess.Write, FileShare.None, 0);
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        long left = size;
        bool first = true;
        while (left > 0)
        {
            int n = (int)Math.Min(buffer.Length, left);
            random.Fill(buffer.AsSpan(0, n));
            if (first)
            {
                magic[..Math.Min(magic.Length, n)].CopyTo(buffer);
                first = false;
            }
            file.Write(buffer, 0, n);
            hash.AppendData(buffer, 0, n);
            left -= n;
        }
        // Hashed as written: reading every file back for its digest cost a second pass over the media.
        return new MediaItem(relativePath.Replace('\\', '/'), size, mime, duration, contentId, Convert.ToBase64String(hash.GetHashAndReset()));
    }
}
