using System.Security.Cryptography;

namespace Lockbox.Opaque;

/// <summary>
/// A successful login on the client: KE3 to send, the session key shared with the server, the export key
/// (the same one registration gave), and the server public key the envelope vouched for.
/// Dispose zeroes the keys.
/// </summary>
public sealed class ClientLoginResult : IDisposable
{
    private readonly byte[] _sessionKey;
    private readonly byte[] _exportKey;
    private readonly byte[] _serverPublicKey;

    internal ClientLoginResult(KE3 ke3, byte[] sessionKey, byte[] exportKey, byte[] serverPublicKey)
    {
        KE3 = ke3;
        _sessionKey = sessionKey;
        _exportKey = exportKey;
        _serverPublicKey = serverPublicKey;
    }

    /// <summary>The message to send to the server.</summary>
    public KE3 KE3 { get; }

    /// <summary>session_key (64 bytes).</summary>
    public ReadOnlySpan<byte> SessionKey => _sessionKey;

    /// <summary>export_key (64 bytes).</summary>
    public ReadOnlySpan<byte> ExportKey => _exportKey;

    /// <summary>server_public_key recovered from the credential response and authenticated by the envelope.</summary>
    public ReadOnlySpan<byte> ServerPublicKey => _serverPublicKey;

    public void Dispose()
    {
        CryptographicOperations.ZeroMemory(_sessionKey);
        CryptographicOperations.ZeroMemory(_exportKey);
    }

    public override string ToString() => nameof(ClientLoginResult);
}
