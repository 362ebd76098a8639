namespace Lockbox.Opaque;

/// <summary>
/// Optional identities bound into the envelope and the handshake (RFC 9807 §4.1.2). When one is
/// absent, the protocol uses the corresponding public key, as opaque-ke does. Both sides must use
/// the same identities at registration and at every login.
/// </summary>
public sealed class OpaqueIdentities
{
    private readonly byte[]? _client;
    private readonly byte[]? _server;

    public OpaqueIdentities(byte[]? client, byte[]? server)
    {
        if (client is { Length: > ushort.MaxValue } || server is { Length: > ushort.MaxValue })
            throw new ArgumentException("Identities are at most 65535 bytes.");
        _client = client is null ? null : (byte[])client.Clone();
        _server = server is null ? null : (byte[])server.Clone();
    }

    /// <summary>The client identity, or null for "the client's public key".</summary>
    public ReadOnlyMemory<byte>? Client => _client;

    /// <summary>The server identity, or null for "the server's public key".</summary>
    public ReadOnlyMemory<byte>? Server => _server;

    internal static ReadOnlySpan<byte> ClientOr(OpaqueIdentities? identities, ReadOnlySpan<byte> clientPublicKey) =>
        identities?._client is { } c ? c : clientPublicKey;

    internal static ReadOnlySpan<byte> ServerOr(OpaqueIdentities? identities, ReadOnlySpan<byte> serverPublicKey) =>
        identities?._server is { } s ? s : serverPublicKey;
}
