using Lockbox.Vault.Core;
using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace Lockbox.Vault.Server.Hosting;

/// <summary>
/// The vault's TLS material: a certificate and key from PEM files for <c>https://</c> addresses, and the
/// self-signed development certificate (<c>lockbox vault dev-cert</c>) for 127.0.0.1, ::1 and localhost
/// that the demo and the tests pin with <c>--vault-ca</c>.
/// </summary>
public static class VaultTls
{
    /// <summary>Where <see cref="CreateDevCertificate"/> writes, inside the vault directory.</summary>
    public const string DevCertificateFile = "tls-dev-cert.pem";
    public const string DevKeyFile = "tls-dev-key.pem";

    /// <summary>The certificate with its private key, or a one-line <see cref="VaultConfigurationException"/>.</summary>
    public static X509Certificate2 Load(string certificatePath, string keyPath)
    {
        if (!File.Exists(certificatePath)) throw new VaultConfigurationException($"TLS certificate {certificatePath} does not exist.");
        if (!File.Exists(keyPath)) throw new VaultConfigurationException($"TLS key {keyPath} does not exist.");
        try
        {
            using X509Certificate2 pem = X509Certificate2.CreateFromPemFile(certificatePath, keyPath);
            if (!pem.HasPrivateKey) throw new VaultConfigurationException($"TLS key {keyPath} does not match {certificatePath}.");
            // A PKCS#12 round trip gives a certificate whose key every platform's TLS stack accepts.
            return X509CertificateLoader.LoadPkcs12(pem.Export(X509ContentType.Pkcs12), null);
        }
        catch (Exception e) when (e is CryptographicException or ArgumentException) // ArgumentException: the key is not the certificate's
        {
            throw new VaultConfigurationException($"TLS certificate {certificatePath} and key {keyPath} are not a matching PEM certificate and private key ({e.Message}).", e);
        }
    }

    /// <summary>
    /// Makes a self-signed ECDSA P-256 certificate for 127.0.0.1, ::1 and localhost (serverAuth, 90 days) in
    /// <paramref name="directory"/>: <see cref="DevCertificateFile"/> (public) and <see cref="DevKeyFile"/> (0600).
    /// For development and tests only: clients must pin it explicitly.
    /// </summary>
    public static (string CertificatePath, string KeyPath) CreateDevCertificate(string directory, TimeProvider? time = null)
    {
        string dir = Path.GetFullPath(directory);
        if (!Directory.Exists(dir)) throw new VaultConfigurationException($"{dir} does not exist.");
        string certPath = Path.Combine(dir, DevCertificateFile), keyPath = Path.Combine(dir, DevKeyFile);
        if (File.Exists(certPath) || File.Exists(keyPath))
            throw new VaultConfigurationException($"{certPath} already exists; delete it and {DevKeyFile} to make a new one.");

        using ECDsa key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest("CN=Lockbox vault development certificate", key, HashAlgorithmName.SHA256);
        var names = new SubjectAlternativeNameBuilder();
        names.AddIpAddress(IPAddress.Loopback);
        names.AddIpAddress(IPAddress.IPv6Loopback);
        names.AddDnsName("localhost");
        request.CertificateExtensions.Add(names.Build(critical: false));
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(certificateAuthority: false, hasPathLengthConstraint: false, pathLengthConstraint: 0, critical: true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.DigitalSignature, critical: true));
        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([new Oid("1.3.6.1.5.5.7.3.1")], critical: false));
        request.CertificateExtensions.Add(new X509SubjectKeyIdentifierExtension(request.PublicKey, critical: false));
        DateTimeOffset now = (time ?? TimeProvider.System).GetUtcNow();
        using X509Certificate2 certificate = request.CreateSelfSigned(now.AddMinutes(-5), now.AddDays(90));

        byte[] pkcs8 = key.ExportPkcs8PrivateKey();
        char[] keyPem = PemEncoding.Write("PRIVATE KEY", pkcs8);
        byte[] keyBytes = System.Text.Encoding.ASCII.GetBytes(keyPem);
        try
        {
            VaultDirectory.WriteSecret(keyPath, keyBytes, mode0600: true);
        }
        finally
        {
            CryptographicOperations.ZeroMemory(pkcs8);
            CryptographicOperations.ZeroMemory(keyBytes);
            Array.Clear(keyPem);
        }
        VaultDirectory.WriteSecret(certPath, System.Text.Encoding.ASCII.GetBytes(certificate.ExportCertificatePem() + "\n"), mode0600: false);
        return (certPath, keyPath);
    }
}
