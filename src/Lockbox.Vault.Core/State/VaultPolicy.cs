namespace Lockbox.Vault.Core.State;

/// <summary>The vault's tunables. Defaults follow DESIGN.md: 10 guesses; a KE2 is good for one minute.</summary>
public sealed record VaultPolicy
{
    public const int DefaultGuessLimitValue = 10;
    public const int MaxGuessLimit = 100;

    /// <summary>Guess limit for enrolments that do not ask for one, and the value unknown accounts appear to have.</summary>
    public int DefaultGuessLimit { get; init; } = DefaultGuessLimitValue;

    /// <summary>How long a pending login (KE2 issued, KE3 awaited) lives.</summary>
    public TimeSpan LoginTimeout { get; init; } = TimeSpan.FromMinutes(1);
}
