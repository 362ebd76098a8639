using Lockbox.Opaque.Internal;

namespace Lockbox.Opaque;

/// <summary>
/// The key stretching function (KSF) of RFC 9807 §4.3: it hardens the OPRF output on the client before
/// it becomes the randomized password. Both sides of a deployment must agree on it; the server never runs it.
/// </summary>
public abstract class KeyStretching
{
    private protected KeyStretching()
    {
    }

    /// <summary>Identity: Stretch(msg) = msg. Only for the RFC test vectors; it gives no protection.</summary>
    public static KeyStretching Identity { get; } = new IdentityKeyStretching();

    /// <summary>
    /// @serenity-kit/opaque's default "memory-constrained" preset: Argon2id t = 3, m = 64 MiB, p = 4
    /// (RFC 9106 §4's second recommended option). About a second on a phone; what Lockbox uses by default.
    /// </summary>
    public static Argon2idKeyStretching MemoryConstrained { get; } = new(iterations: 3, memoryKiB: 1 << 16, parallelism: 4);

    /// <summary>RFC 9807 §7's recommendation: Argon2id t = 1, m = 2 GiB (2^21 KiB), p = 4.</summary>
    public static Argon2idKeyStretching RfcRecommended { get; } = new(iterations: 1, memoryKiB: 1 << 21, parallelism: 4);

    /// <summary>@serenity-kit/opaque's "rfc-recommended" preset: as RFC 9807 but m = 2^21 - 1 KiB (their browsers failed at 2^21).</summary>
    public static Argon2idKeyStretching SerenityRfcRecommended { get; } = new(iterations: 1, memoryKiB: (1 << 21) - 1, parallelism: 4);

    /// <summary>Argon2id with explicit parameters (salt = 16 zero bytes, 64-byte output, version 0x13).</summary>
    public static Argon2idKeyStretching Argon2id(int iterations, int memoryKiB, int parallelism) => new(iterations, memoryKiB, parallelism);

    /// <summary>Stretch(input) into <paramref name="output"/> (Nh = 64 bytes).</summary>
    internal abstract void Stretch(ReadOnlySpan<byte> input, Span<byte> output);

    private sealed class IdentityKeyStretching : KeyStretching
    {
        internal override void Stretch(ReadOnlySpan<byte> input, Span<byte> output)
        {
            Wire.RequireLength(output, input.Length, nameof(output));
            input.CopyTo(output);
        }

        public override string ToString() => "Identity";
    }
}
