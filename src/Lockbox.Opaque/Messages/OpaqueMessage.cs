namespace Lockbox.Opaque;

/// <summary>
/// A protocol message of RFC 9807 with its exact wire encoding. Every concrete message is sealed, parses
/// only its exact length (<c>Parse</c> throws <see cref="OpaqueProtocolException"/>, <c>TryParse</c> returns
/// false) and checks every group element it carries: canonical, and not the identity.
/// </summary>
public abstract class OpaqueMessage
{
    private readonly byte[] _bytes;

    private protected OpaqueMessage(byte[] bytes)
    {
        _bytes = bytes;
    }

    /// <summary>Length of the encoding in bytes.</summary>
    public int Length => _bytes.Length;

    internal ReadOnlySpan<byte> Bytes => _bytes;

    /// <summary>The wire encoding (a fresh copy).</summary>
    public byte[] Serialize() => (byte[])_bytes.Clone();

    /// <summary>Writes the wire encoding to <paramref name="destination"/>, which must be exactly <see cref="Length"/> bytes.</summary>
    public void Serialize(Span<byte> destination)
    {
        if (destination.Length != _bytes.Length)
            throw new ArgumentException($"Expected {_bytes.Length} bytes, got {destination.Length}.", nameof(destination));
        _bytes.CopyTo(destination);
    }

    /// <summary>Names the message and its size, never its bytes.</summary>
    public override string ToString() => $"{GetType().Name} ({_bytes.Length} bytes)";
}
