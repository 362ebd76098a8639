using System.Globalization;

namespace Lockbox.Client;

/// <summary>
/// The one way Lockbox reads a size a person typed ("5MiB", "800 KB", "1000000"): a whole number of bytes, optionally
/// followed by a unit. <b>K, KB, M, MB, G, GB are powers of 1000</b> (SI: 1 MB = 1,000,000 bytes); KiB, MiB, GiB are
/// powers of 1024 (1 MiB = 1,048,576 bytes). Units are case-insensitive; a space may stand between number and unit.
/// </summary>
public static class ByteSize
{
    /// <summary>The syntax, for messages.</summary>
    public const string Syntax = "a whole number of bytes, optionally with KB, MB, GB (powers of 1000) or KiB, MiB, GiB (powers of 1024)";

    /// <summary>Parses <paramref name="text"/>; false for anything else, including zero, fractions and overflow.</summary>
    public static bool TryParse(string? text, out long bytes)
    {
        bytes = 0;
        if (string.IsNullOrWhiteSpace(text)) return false;
        string t = text.Trim();
        int end = 0;
        while (end < t.Length && char.IsAsciiDigit(t[end])) end++;
        long multiplier = t[end..].Trim().ToUpperInvariant() switch
        {
            "" or "B" => 1,
            "K" or "KB" => 1000,
            "KIB" => 1L << 10,
            "M" or "MB" => 1000_000,
            "MIB" => 1L << 20,
            "G" or "GB" => 1000_000_000,
            "GIB" => 1L << 30,
            _ => 0,
        };
        if (multiplier == 0 || !long.TryParse(t[..end], NumberStyles.None, CultureInfo.InvariantCulture, out long value)
            || value < 1 || value > long.MaxValue / multiplier)
            return false;
        bytes = value * multiplier;
        return true;
    }
}
