using System.Net;
using System.Net.Security;
using System.Net.Sockets;
using System.Security.Cryptography.X509Certificates;

namespace Lockbox.Vault.Tests.Support;

/// <summary>
/// A TLS listener that counts connections and records every application byte a client sends after the
/// handshake: the stand-in for a server the device must not trust, to prove nothing (no token) reached it.
/// </summary>
internal sealed class CapturingTlsServer : IAsyncDisposable
{
    private readonly TcpListener _listener;
    private readonly X509Certificate2 _certificate;
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _loop;
    private readonly MemoryStream _received = new();
    private int _connections;

    public CapturingTlsServer(IPAddress address, X509Certificate2 certificate)
    {
        _certificate = certificate;
        _listener = new TcpListener(address, 0);
        _listener.Start();
        _loop = Task.Run(AcceptAsync);
    }

    public Uri Address => new($"https://{((IPEndPoint)_listener.LocalEndpoint).Address}:{((IPEndPoint)_listener.LocalEndpoint).Port}/");

    public int Connections => Volatile.Read(ref _connections);

    public byte[] Received { get { lock (_received) return _received.ToArray(); } }

    private async Task AcceptAsync()
    {
        while (!_stop.IsCancellationRequested)
        {
            TcpClient client;
            try { client = await _listener.AcceptTcpClientAsync(_stop.Token); }
            catch (OperationCanceledException) { return; }
            catch (SocketException) { return; }
            Interlocked.Increment(ref _connections);
            _ = Task.Run(async () =>
            {
                using (client)
                {
                    try
                    {
                        await using var tls = new SslStream(client.GetStream());
                        await tls.AuthenticateAsServerAsync(_certificate, false, false);
                        byte[] buffer = new byte[4096];
                        int read;
                        while ((read = await tls.ReadAsync(buffer, _stop.Token)) > 0)
                            lock (_received) _received.Write(buffer, 0, read);
                    }
                    catch (Exception e) when (e is IOException or System.Security.Authentication.AuthenticationException or OperationCanceledException or ObjectDisposedException)
                    {
                        // The client refused the handshake: exactly what the tests expect.
                    }
                }
            });
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        _listener.Stop();
        await _loop;
        _stop.Dispose();
    }
}
