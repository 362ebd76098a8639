using System.Security.Cryptography.X509Certificates;
using Microsoft.Extensions.Logging;

namespace Lockbox.Vault.Server.Hosting;

/// <summary>
/// The node's TLS certificate from <c>--tls-cert</c>/<c>--tls-key</c>, read again when either file changes, so an
/// operator rotates a certificate by replacing the two files, without a restart. Each TLS handshake asks for
/// <see cref="Current"/>; at most every <see cref="CheckEvery"/> that looks at the files' modification times. A new pair
/// that does not load (half written, key and certificate not matching) is refused with one warning and the node
/// keeps serving the certificate it has; it is tried again when the files change again.
/// </summary>
internal sealed class ReloadingCertificate : IDisposable
{
    public static readonly TimeSpan CheckEvery = TimeSpan.FromSeconds(2);

    private readonly string _certificatePath;
    private readonly string _keyPath;
    private readonly TimeProvider _time;
    private readonly Lock _gate = new();
    private readonly List<X509Certificate2> _retired = [];
    private X509Certificate2 _current;
    private (DateTime Certificate, DateTime Key) _loadedStamp;
    private (DateTime Certificate, DateTime Key) _refusedStamp;
    private DateTimeOffset _nextCheck;

    public ReloadingCertificate(string certificatePath, string keyPath, TimeProvider time)
    {
        _certificatePath = certificatePath;
        _keyPath = keyPath;
        _time = time;
        _loadedStamp = Stamp();
        _current = VaultTls.Load(certificatePath, keyPath);
        _nextCheck = time.GetUtcNow() + CheckEvery;
    }

    /// <summary>Where a refused new pair is reported (set once the host's logging exists).</summary>
    public ILogger? Logger { get; set; }

    /// <summary>The certificate to present now: the files' newest pair that loads.</summary>
    public X509Certificate2 Current
    {
        get
        {
            lock (_gate)
            {
                DateTimeOffset now = _time.GetUtcNow();
                if (now < _nextCheck) return _current;
                _nextCheck = now + CheckEvery;
                (DateTime, DateTime) stamp = Stamp();
                if (stamp == _loadedStamp || stamp == _refusedStamp) return _current;
                try
                {
                    X509Certificate2 next = VaultTls.Load(_certificatePath, _keyPath);
                    _retired.Add(_current); // a handshake may still be using it; disposed with the node
                    _current = next;
                    _loadedStamp = stamp;
                    Logger?.LogInformation("TLS certificate reloaded from {Certificate}: subject {Subject}, valid until {NotAfter:O}",
                        _certificatePath, next.Subject, next.NotAfter.ToUniversalTime());
                }
                catch (Exception e) when (e is Core.VaultConfigurationException or IOException or UnauthorizedAccessException)
                {
                    _refusedStamp = stamp;
                    Logger?.LogWarning("TLS certificate not reloaded, still serving the previous one: {Reason}", e.Message);
                }
                return _current;
            }
        }
    }

    public void Dispose()
    {
        lock (_gate)
        {
            _current.Dispose();
            foreach (X509Certificate2 old in _retired) old.Dispose();
            _retired.Clear();
        }
    }

    private (DateTime Certificate, DateTime Key) Stamp() => (File.GetLastWriteTimeUtc(_certificatePath), File.GetLastWriteTimeUtc(_keyPath));
}
