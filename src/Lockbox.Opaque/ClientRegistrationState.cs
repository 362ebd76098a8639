using System.Security.Cryptography;

namespace Lockbox.Opaque;

/// <summary>
/// The client's state between CreateRegistrationRequest and FinalizeRegistrationRequest: the OPRF blind
/// and the request to send. Dispose zeroes the blind.
/// </summary>
public sealed class ClientRegistrationState : IDisposable
{
    private readonly byte[] _blind;

    internal ClientRegistrationState(byte[] blind, RegistrationRequest request)
    {
        _blind = blind;
        Request = request;
    }

    /// <summary>The message to send to the server.</summary>
    public RegistrationRequest Request { get; }

    internal ReadOnlySpan<byte> Blind => _blind;

    public void Dispose() => CryptographicOperations.ZeroMemory(_blind);

    public override string ToString() => nameof(ClientRegistrationState);
}
