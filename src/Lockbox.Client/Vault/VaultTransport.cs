using System.Net;
using System.Net.Security;
using System.Security.Authentication;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace Lockbox.Client.Vault;

/// <summary>
/// How the device reaches its vault (docs/VAULT-API.md, "Transport and TLS"): https:// verified against the
/// system's roots or the certificates the device was told to trust (<see cref="VaultClientOptions.TrustedCertificatesPath"/>,
/// chain and host name both checked), and plain http:// only to this machine (loopback) unless
/// <see cref="VaultClientOptions.AllowInsecureHttp"/> says otherwise. A refused address fails before any
/// request is made, so the account credential never leaves over it.
/// </summary>
internal static class VaultTransport
{
    /// <summary>The HTTP client for <paramref name="options"/>: the app's own (address still checked) or one built here.</summary>
    public static HttpClient Client(VaultClientOptions options)
    {
        CheckAddress(options.VaultUrl, options.AllowInsecureHttp);
        if (options.HttpClient is not null) return options.HttpClient;
        return new HttpClient(new TlsFailureHandler(Handler(options), options.VaultUrl)) { Timeout = options.RequestTimeout };
    }

    /// <summary>Refuses anything but https://, or http:// to loopback, or http:// with the explicit insecure opt-in.</summary>
    public static void CheckAddress(Uri url, bool allowInsecureHttp)
    {
        ArgumentNullException.ThrowIfNull(url);
        if (url.Scheme == Uri.UriSchemeHttps) return;
        if (url.Scheme != Uri.UriSchemeHttp)
            throw new VaultException(VaultFailure.Rejected, $"The vault address {url} is not https:// (or http:// to this machine).");
        if (allowInsecureHttp || IsLoopback(url)) return;
        throw new VaultException(VaultFailure.Rejected,
            $"Refusing to send the account credential in clear to {url.GetLeftPart(UriPartial.Authority)}: use an https:// vault address (plain http:// is only for 127.0.0.1, ::1 and localhost), or pass --insecure if this network is trusted.");
    }

    /// <summary>127.0.0.0/8, ::1 or the name localhost, decided from the address alone (no DNS lookup).</summary>
    public static bool IsLoopback(Uri url) =>
        url.HostNameType switch
        {
            UriHostNameType.IPv4 or UriHostNameType.IPv6 => IPAddress.TryParse(url.IdnHost, out IPAddress? ip) && IPAddress.IsLoopback(ip),
            UriHostNameType.Dns => string.Equals(url.IdnHost, "localhost", StringComparison.OrdinalIgnoreCase),
            _ => false,
        };

    private static SocketsHttpHandler Handler(VaultClientOptions options)
    {
        var handler = new SocketsHttpHandler
        {
            AllowAutoRedirect = false, // a redirect must never carry the device elsewhere (or to http://)
            ConnectTimeout = options.RequestTimeout,
            PooledConnectionLifetime = TimeSpan.FromMinutes(5),
        };
        if (options.TrustedCertificatesPath is { } path)
        {
            var policy = new X509ChainPolicy
            {
                TrustMode = X509ChainTrustMode.CustomRootTrust,
                RevocationMode = X509RevocationMode.NoCheck,
            };
            policy.CustomTrustStore.AddRange(LoadTrusted(path));
            policy.ApplicationPolicy.Add(new Oid("1.3.6.1.5.5.7.3.1")); // serverAuth
            // The chain is built against the given roots only; the host name is still checked by the TLS stack.
            handler.SslOptions = new SslClientAuthenticationOptions { CertificateChainPolicy = policy };
        }
        return handler;
    }

    private static X509Certificate2Collection LoadTrusted(string path)
    {
        var trusted = new X509Certificate2Collection();
        try
        {
            trusted.ImportFromPemFile(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or CryptographicException)
        {
            throw new VaultException(VaultFailure.Rejected, $"Cannot read the vault's trusted certificate(s) from {path}: {e.Message}", e);
        }
        if (trusted.Count == 0) throw new VaultException(VaultFailure.Rejected, $"{path} holds no PEM certificate to trust for the vault.");
        return trusted;
    }

    /// <summary>Turns a refused TLS handshake into one clear "not authentic" failure instead of a generic connection error.</summary>
    private sealed class TlsFailureHandler(HttpMessageHandler inner, Uri vault) : DelegatingHandler(inner)
    {
        protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            try
            {
                return await base.SendAsync(request, cancellationToken).ConfigureAwait(false);
            }
            catch (HttpRequestException e) when (e.InnerException is AuthenticationException)
            {
                throw new VaultException(VaultFailure.NotAuthentic,
                    $"The vault at {vault.GetLeftPart(UriPartial.Authority)} presented a TLS certificate this device does not trust for that name; nothing was sent. Check the address, or trust its CA with --vault-ca.", e);
            }
        }
    }
}
