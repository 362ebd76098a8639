using System.Security.Cryptography;

namespace Lockbox.Opaque;

/// <summary>
/// The client's state between CreateRegistrationRequest and FinalizeRegistrationRequest: the OPRF blind
/// and the request to send. Finalized once only: a second <c>FinalizeRegistrationRequest</c> with the same
/// state is a caller bug (<see cref="InvalidOperationException"/>). Dispose zeroes the blind.
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

    private bool _used;

    /// <summary>Marks the state consumed; throws when it already was (or was disposed).</summary>
    internal void Consume()
    {
        if (_used) throw new InvalidOperationException("This registration state was already finalized or disposed; start a new registration.");
        _used = true;
    }

    public void Dispose()
    {
        _used = true;
        CryptographicOperations.ZeroMemory(_blind);
    }

    public override string ToString() => nameof(ClientRegistrationState);
}
