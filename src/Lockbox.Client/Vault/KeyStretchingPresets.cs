using System.Globalization;
using Lockbox.Opaque;

namespace Lockbox.Client.Vault;

/// <summary>
/// The Argon2id presets a device can run as OPAQUE's key stretching function, by name or as
/// <c>t=ITERATIONS,m=MEMORY_KIB,p=LANES</c>. The default is the phone preset, as recommended for
/// memory-constrained devices (RFC 9106 §4's second option, @serenity-kit/opaque's default).
/// </summary>
public static class KeyStretchingPresets
{
    /// <summary>"phone": Argon2id t = 3, m = 64 MiB, p = 4 — the default, about a second on a phone.</summary>
    public static Argon2idKeyStretching Phone => KeyStretching.MemoryConstrained;

    /// <summary>"rfc": RFC 9807 §7's Argon2id t = 1, m = 2 GiB, p = 4 — for devices with memory to spare.</summary>
    public static Argon2idKeyStretching Rfc => KeyStretching.RfcRecommended;

    /// <summary>"demo": Argon2id t = 1, m = 8 MiB, p = 1 — keeps the demo quick; not for real accounts.</summary>
    public static Argon2idKeyStretching Demo { get; } = KeyStretching.Argon2id(1, 8 * 1024, 1);

    /// <summary>"test": Argon2id t = 1, m = 64 KiB, p = 1 — for tests only; protects nothing.</summary>
    public static Argon2idKeyStretching Test { get; } = KeyStretching.Argon2id(1, 64, 1);

    /// <summary>The names <see cref="TryParse"/> accepts, for help texts.</summary>
    public const string Syntax = "phone (default), rfc, demo, test, or t=ITERATIONS,m=MEMORY_KIB,p=LANES";

    /// <summary>The explicit form <see cref="TryParse"/> reads back: <c>t=3,m=65536,p=4</c>.</summary>
    public static string Format(Argon2idKeyStretching preset) =>
        string.Create(CultureInfo.InvariantCulture, $"t={preset.Iterations},m={preset.MemoryKiB},p={preset.Parallelism}");

    /// <summary>Parses a preset name or explicit parameters; on failure <paramref name="error"/> says what is wrong.</summary>
    public static bool TryParse(string? text, out Argon2idKeyStretching? preset, out string? error)
    {
        preset = null;
        error = null;
        string value = (text ?? "").Trim();
        switch (value.ToUpperInvariant())
        {
            case "" or "PHONE": preset = Phone; return true;
            case "RFC": preset = Rfc; return true;
            case "DEMO": preset = Demo; return true;
            case "TEST": preset = Test; return true;
        }

        int? t = null, m = null, p = null;
        foreach (string part in value.Split(',', StringSplitOptions.TrimEntries))
        {
            string[] pair = part.Split('=', 2, StringSplitOptions.TrimEntries);
            if (pair.Length != 2 || !int.TryParse(pair[1], NumberStyles.None, CultureInfo.InvariantCulture, out int number) || number < 1)
            {
                error = $"Argon2id preset '{value}' is not one of {Syntax}.";
                return false;
            }
            switch (pair[0])
            {
                case "t": t = number; break;
                case "m": m = number; break;
                case "p": p = number; break;
                default:
                    error = $"Argon2id preset '{value}': unknown parameter '{pair[0]}' (use t, m, p).";
                    return false;
            }
        }
        if (t is null || m is null || p is null)
        {
            error = $"Argon2id preset '{value}' needs all of t, m and p.";
            return false;
        }
        if (p > 64 || m < 8 * p || m > 4 * 1024 * 1024 || t > 100)
        {
            error = $"Argon2id preset '{value}': need 1 <= p <= 64, 8*p <= m <= 4 GiB (in KiB), t <= 100.";
            return false;
        }
        preset = KeyStretching.Argon2id(t.Value, m.Value, p.Value);
        return true;
    }
}
