using System.Globalization;

namespace Lockbox.Cli.Output;

/// <summary>Parses sizes such as "200MB", "1GiB", "512M" or "1048576" (bytes; K/M/G are powers of 1024).</summary>
internal static class SizeParser
{
    public static bool TryParse(string? text, out long bytes)
    {
        bytes = 0;
        if (string.IsNullOrWhiteSpace(text)) return false;
        string t = text.Trim().ToUpperInvariant();
        long multiplier = 1;
        foreach ((string suffix, long factor) in new[] { ("GIB", 1L << 30), ("GB", 1L << 30), ("G", 1L << 30), ("MIB", 1L << 20), ("MB", 1L << 20), ("M", 1L << 20), ("KIB", 1L << 10), ("KB", 1L << 10), ("K", 1L << 10), ("B", 1L) })
        {
            if (t.EndsWith(suffix, StringComparison.Ordinal))
            {
                multiplier = factor;
                t = t[..^suffix.Length].Trim();
                break;
            }
        }
        if (!double.TryParse(t, NumberStyles.Float, CultureInfo.InvariantCulture, out double value) || value < 0) return false;
        bytes = (long)(value * multiplier);
        return true;
    }
}
