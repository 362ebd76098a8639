using System.Diagnostics.CodeAnalysis;
using System.Security.Cryptography;
using Lockbox.Opaque.Internal;

namespace Lockbox.Opaque;

/// <summary>
/// The server's state between GenerateKE2 and ServerFinish: expected_client_mac || session_key
/// (RFC 9807 §6.4.4), 128 bytes. It serializes so a replicated vault can keep it in its own state;
/// it is secret (it holds the session key) and must be stored sealed. Dispose zeroes it.
/// </summary>
public sealed class ServerLoginState : IDisposable
{
    /// <summary>Exact serialized size.</summary>
    public const int Size = OpaqueSizes.Nm + OpaqueSizes.Nx;

    private readonly byte[] _bytes;

    private ServerLoginState(byte[] bytes)
    {
        _bytes = bytes;
    }

    internal ReadOnlySpan<byte> ExpectedClientMac => _bytes.AsSpan(0, OpaqueSizes.Nm);

    internal ReadOnlySpan<byte> SessionKey => _bytes.AsSpan(OpaqueSizes.Nm, OpaqueSizes.Nx);

    /// <summary>The state as bytes (a fresh copy; the caller zeroes it when done).</summary>
    public byte[] Serialize() => (byte[])_bytes.Clone();

    /// <summary>Restores a serialized state; throws <see cref="OpaqueProtocolException"/> on a wrong length.</summary>
    public static ServerLoginState Parse(ReadOnlySpan<byte> data)
    {
        Wire.ThrowIfError(Wire.CheckLength(data, Size, nameof(ServerLoginState)));
        return new ServerLoginState(data.ToArray());
    }

    /// <summary>Restores a serialized state, or returns false on a wrong length.</summary>
    public static bool TryParse(ReadOnlySpan<byte> data, [NotNullWhen(true)] out ServerLoginState? state)
    {
        state = data.Length == Size ? new ServerLoginState(data.ToArray()) : null;
        return state is not null;
    }

    internal static ServerLoginState Create(ReadOnlySpan<byte> expectedClientMac, ReadOnlySpan<byte> sessionKey)
    {
        byte[] bytes = new byte[Size];
        expectedClientMac.CopyTo(bytes);
        sessionKey.CopyTo(bytes.AsSpan(OpaqueSizes.Nm));
        return new ServerLoginState(bytes);
    }

    public void Dispose() => CryptographicOperations.ZeroMemory(_bytes);

    public override string ToString() => nameof(ServerLoginState);
}
