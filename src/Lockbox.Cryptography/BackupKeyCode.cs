namespace Lockbox.Cryptography;

/// <summary>
/// The 64-digit key: K as 64 lowercase hexadecimal digits, shown in 16 groups of 4 (DESIGN.md, "Keys").
/// Input may use either case, spaces and dashes; anything else is rejected with a message naming
/// what is wrong, so a user who mistyped a digit learns where.
/// </summary>
public static class BackupKeyCode
{
    /// <summary>Number of hexadecimal digits in the code.</summary>
    public const int Digits = BackupKey.Size * 2;

    /// <summary>Formats 32 key bytes as "abcd 0123 ..." (16 groups of 4, lowercase).</summary>
    public static string Format(ReadOnlySpan<byte> key)
    {
        if (key.Length != BackupKey.Size)
            throw new ArgumentException($"A backup key is {BackupKey.Size} bytes, not {key.Length}.", nameof(key));
        string hex = Convert.ToHexStringLower(key);
        return string.Create(Digits + Digits / 4 - 1, hex, static (span, hex) =>
        {
            int o = 0;
            for (int i = 0; i < hex.Length; i++)
            {
                if (i > 0 && i % 4 == 0) span[o++] = ' ';
                span[o++] = hex[i];
            }
        });
    }

    /// <summary>
    /// Parses a 64-digit key into <paramref name="key"/> (32 bytes). Returns false with a one-line
    /// <paramref name="error"/> when the text has a character other than hex digits, spaces and dashes,
    /// or does not hold exactly 64 digits.
    /// </summary>
    public static bool TryParse(string? text, Span<byte> key, out string? error)
    {
        if (key.Length != BackupKey.Size)
            throw new ArgumentException($"Destination must be {BackupKey.Size} bytes.", nameof(key));
        error = null;
        if (string.IsNullOrWhiteSpace(text))
        {
            error = "The 64-digit key is empty: enter the 64 hexadecimal digits (0-9, a-f) of your backup key.";
            return false;
        }

        int digits = 0;
        for (int i = 0; i < text.Length; i++)
        {
            char c = text[i];
            if (c is ' ' or '-' or '\t') continue;
            int value = HexValue(c);
            if (value < 0)
            {
                error = $"The 64-digit key has an invalid character '{Printable(c)}' at position {i + 1}: only 0-9, a-f, spaces and dashes are allowed.";
                key.Clear();
                return false;
            }
            if (digits < Digits)
            {
                int b = digits / 2;
                key[b] = (digits % 2 == 0) ? (byte)(value << 4) : (byte)(key[b] | value);
            }
            digits++;
        }

        if (digits != Digits)
        {
            error = $"The 64-digit key has {digits} digits, not {Digits}: check for a missing or extra digit.";
            key.Clear();
            return false;
        }
        return true;
    }

    private static int HexValue(char c) => c switch
    {
        >= '0' and <= '9' => c - '0',
        >= 'a' and <= 'f' => c - 'a' + 10,
        >= 'A' and <= 'F' => c - 'A' + 10,
        _ => -1,
    };

    private static string Printable(char c) => char.IsControl(c) ? $"U+{(int)c:X4}" : c.ToString();
}
