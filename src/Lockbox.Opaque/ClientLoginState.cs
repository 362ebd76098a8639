using System.Security.Cryptography;

namespace Lockbox.Opaque;

/// <summary>
/// The client's state between GenerateKE1 and GenerateKE3: the OPRF blind, the ephemeral 3DH secret and
/// the KE1 sent (it is part of the transcript). Use once; Dispose zeroes the secrets.
/// </summary>
public sealed class ClientLoginState : IDisposable
{
    private readonly byte[] _blind;
    private readonly byte[] _clientSecret;

    internal ClientLoginState(byte[] blind, byte[] clientSecret, KE1 ke1)
    {
        _blind = blind;
        _clientSecret = clientSecret;
        KE1 = ke1;
    }

    /// <summary>The message to send to the server.</summary>
    public KE1 KE1 { get; }

    internal ReadOnlySpan<byte> Blind => _blind;

    internal ReadOnlySpan<byte> ClientSecret => _clientSecret;

    public void Dispose()
    {
        CryptographicOperations.ZeroMemory(_blind);
        CryptographicOperations.ZeroMemory(_clientSecret);
    }

    public override string ToString() => nameof(ClientLoginState);
}
