namespace Lockbox.Opaque;

/// <summary>
/// The deployment parameters both sides must share (RFC 9807 §7): the context string bound into every
/// handshake and the client's key stretching function. The suite itself is fixed: ristretto255-SHA512
/// OPRF, HKDF-SHA512, HMAC-SHA512, SHA-512, 3DH over ristretto255.
/// </summary>
public sealed class OpaqueConfiguration
{
    private readonly byte[] _context;

    public OpaqueConfiguration(ReadOnlySpan<byte> context, KeyStretching keyStretching)
    {
        ArgumentNullException.ThrowIfNull(keyStretching);
        if (context.Length > ushort.MaxValue)
            throw new ArgumentException("Context longer than 65535 bytes.", nameof(context));
        _context = context.ToArray();
        KeyStretching = keyStretching;
    }

    /// <summary>
    /// Lockbox's default, byte-compatible with @serenity-kit/opaque's defaults: empty context,
    /// Argon2id memory-constrained preset (t = 3, m = 64 MiB, p = 4).
    /// </summary>
    public static OpaqueConfiguration Default { get; } = new([], KeyStretching.MemoryConstrained);

    /// <summary>The context string (may be empty).</summary>
    public ReadOnlySpan<byte> Context => _context;

    /// <summary>The client's key stretching function.</summary>
    public KeyStretching KeyStretching { get; }
}
