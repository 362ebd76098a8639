using Lockbox.Opaque.Internal;

namespace Lockbox.Opaque;

/// <summary>
/// Argon2id as opaque-ke (and so @serenity-kit/opaque) runs it: the OPRF output as the password,
/// salt = 16 zero bytes, no secret, no associated data, version 0x13, output Nh = 64 bytes.
/// The salt is fixed on purpose: the OPRF output is already unique per user and server.
/// </summary>
public sealed class Argon2idKeyStretching : KeyStretching
{
    /// <summary>Argon2id salt length used by opaque-ke.</summary>
    public const int SaltLength = 16;

    internal Argon2idKeyStretching(int iterations, int memoryKiB, int parallelism)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(iterations, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(parallelism, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(memoryKiB, 8 * parallelism);
        Iterations = iterations;
        MemoryKiB = memoryKiB;
        Parallelism = parallelism;
    }

    /// <summary>t: passes over memory.</summary>
    public int Iterations { get; }

    /// <summary>m: memory in KiB.</summary>
    public int MemoryKiB { get; }

    /// <summary>p: lanes.</summary>
    public int Parallelism { get; }

    internal override void Stretch(ReadOnlySpan<byte> input, Span<byte> output)
    {
        Wire.RequireLength(output, OpaqueSizes.Nh, nameof(output));
        Span<byte> salt = stackalloc byte[SaltLength];
        salt.Clear();
        Cryptography.Argon2.Argon2id.Hash(input, salt, Iterations, MemoryKiB, Parallelism, output);
    }

    public override string ToString() => $"Argon2id(t={Iterations}, m={MemoryKiB} KiB, p={Parallelism})";
}
