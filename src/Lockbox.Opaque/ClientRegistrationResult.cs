using System.Security.Cryptography;

namespace Lockbox.Opaque;

/// <summary>
/// What FinalizeRegistrationRequest gives the client: the record to upload, the export key (a secret only
/// the password can reproduce; Lockbox wraps the backup key under a key derived from it) and the server
/// public key the record binds. Dispose zeroes the export key.
/// </summary>
public sealed class ClientRegistrationResult : IDisposable
{
    private readonly byte[] _exportKey;
    private readonly byte[] _serverPublicKey;

    internal ClientRegistrationResult(RegistrationRecord record, byte[] exportKey, byte[] serverPublicKey)
    {
        Record = record;
        _exportKey = exportKey;
        _serverPublicKey = serverPublicKey;
    }

    /// <summary>The registration record (registration_upload) to send to the server.</summary>
    public RegistrationRecord Record { get; }

    /// <summary>export_key (64 bytes).</summary>
    public ReadOnlySpan<byte> ExportKey => _exportKey;

    /// <summary>The server public key from the registration response; pin it to recognise the server later.</summary>
    public ReadOnlySpan<byte> ServerPublicKey => _serverPublicKey;

    public void Dispose() => CryptographicOperations.ZeroMemory(_exportKey);

    public override string ToString() => nameof(ClientRegistrationResult);
}
