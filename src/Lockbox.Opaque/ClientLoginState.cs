using System.Security.Cryptography;

namespace Lockbox.Opaque;

/// <summary>
/// The client's state between GenerateKE1 and GenerateKE3: the OPRF blind, the ephemeral 3DH secret and
/// the KE1 sent (it is part of the transcript). Finished once only: a second <c>GenerateKE3</c> with the
/// same state is a caller bug (<see cref="InvalidOperationException"/>), as opaque-ke consumes its state by value.
/// Dispose zeroes the secrets.
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

    private bool _used;

    /// <summary>Marks the state consumed; throws when it already was (or was disposed).</summary>
    internal void Consume()
    {
        if (_used) throw new InvalidOperationException("This login state was already finished or disposed; start a new login (GenerateKE1).");
        _used = true;
    }

    public void Dispose()
    {
        _used = true;
        CryptographicOperations.ZeroMemory(_blind);
        CryptographicOperations.ZeroMemory(_clientSecret);
    }

    public override string ToString() => nameof(ClientLoginState);
}
