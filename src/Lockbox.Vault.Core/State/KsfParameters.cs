namespace Lockbox.Vault.Core.State;

/// <summary>
/// The Argon2id parameters a device stretched the password with at enrolment (docs/PROTOCOL.md §3), kept
/// with the account at the vault so a new device takes them from a signed answer, never from the store.
/// The vault never runs the KSF; it only stores, range-checks and returns these numbers.
/// </summary>
/// <param name="Iterations">t, passes over memory.</param>
/// <param name="MemoryKiB">m, memory in KiB.</param>
/// <param name="Parallelism">p, lanes.</param>
public sealed record KsfParameters(int Iterations, int MemoryKiB, int Parallelism)
{
    public const int MaxIterations = 16;
    public const int MaxMemoryKiB = 4 * 1024 * 1024;
    public const int MaxParallelism = 16;

    /// <summary>The accepted ranges, as one line for error messages.</summary>
    public const string Rule = "keyStretching must be {t, m, p} with 1 <= t <= 16, 1 <= p <= 16 and 8*p <= m <= 4194304 (KiB)";

    /// <summary>True when every parameter is in range (what Argon2id and a phone can run).</summary>
    public bool IsValid => Iterations is >= 1 and <= MaxIterations
        && Parallelism is >= 1 and <= MaxParallelism
        && MemoryKiB >= 8 * Parallelism && MemoryKiB <= MaxMemoryKiB;
}
