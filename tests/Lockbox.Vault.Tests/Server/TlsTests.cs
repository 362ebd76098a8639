using System.Net;
using Lockbox.Client.Vault;
using Lockbox.Cryptography;
using Lockbox.Vault.Server.Hosting;
using Lockbox.Vault.Tests.EndToEnd;
using Lockbox.Vault.Tests.Support;

namespace Lockbox.Vault.Tests.Server;

/// <summary>
/// Issue 9, finding 4: the vault serves HTTPS from PEM files, the device verifies it against what it was told
/// to trust (chain and name), and plain http:// goes only to loopback unless --insecure. The account token
/// never leaves over a connection the device refused.
/// </summary>
public sealed class TlsTests
{
    [Fact]
    public async Task PasswordRestoreOverHttpsWithTheDevelopmentCertificate()
    {
        await using VaultUnderTest vault = await VaultUnderTest.StartHttpsAsync();
        Assert.Equal("https", vault.Vault.BaseAddress.Scheme);
        using var world = new PasswordWorld(vault);

        CliRunner phone = world.Device("phone");
        CliResult init = await phone.RunAsync("init", "--repo", world.Repository, "--password", "--vault", world.VaultUrl, "--account", world.Account,
            "--vault-dir", vault.Directory, "--vault-ca", vault.TlsCertificate!);
        Assert.True(init.ExitCode == 0, init.ToString());
        CliResult backup = await phone.RunAsync("backup", "--repo", world.Repository, "--db", world.Database, "--media", world.Media);
        Assert.True(backup.ExitCode == 0, backup.ToString());

        // A new device: the vault address comes from the repository, its CA from LOCKBOX_VAULT_CA.
        CliRunner newPhone = world.Device("new-phone");
        newPhone.Environment["LOCKBOX_VAULT_CA"] = vault.TlsCertificate;
        CliResult restored = await newPhone.RunAsync("restore", "--repo", world.Repository, "--to", world.NewFolder("out"));
        Assert.True(restored.ExitCode == 0, restored.ToString());
        SmallChat.AssertRestored(world.ChatDirectory, world.NewFolder("out"));

        // Without the CA the device does not trust the self-signed certificate: one line, no guess spent.
        int left = (await vault.Client(world.Account).StatusAsync()).GuessesLeft;
        CliResult untrusted = await world.Device("third-phone").RunAsync("restore", "--repo", world.Repository, "--to", world.NewFolder("out-2"));
        Assert.Equal(13, untrusted.ExitCode); // ExitCodes.VaultNotAuthentic
        Assert.Single(untrusted.Error.Trim().Split('\n'));
        Assert.Contains("presented a TLS certificate this device does not trust", untrusted.Error, StringComparison.Ordinal);
        Assert.Equal(left, (await vault.Client(world.Account).StatusAsync()).GuessesLeft);
    }

    [Fact]
    public async Task ACertificateReplacedOnDiskIsServedWithoutARestartAndAMismatchedPairIsRefused()
    {
        await using VaultUnderTest vault = await VaultUnderTest.StartHttpsAsync();
        string certificatePath = vault.TlsCertificate!, keyPath = Path.Combine(vault.Directory, VaultTls.DevKeyFile);
        string first = await ServedThumbprintAsync(vault.Vault.BaseAddress);
        using var next = new TempDir();
        (string newCertificate, string newKey) = VaultTls.CreateDevCertificate(next.Path);
        string expected;
        using (var loaded = VaultTls.Load(newCertificate, newKey)) expected = loaded.Thumbprint;

        // Half a rotation: the new certificate beside the old key. It does not load; the node keeps the old pair.
        Replace(newCertificate, certificatePath);
        await WaitUntilAsync(() => vault.Logs.Lines.Any(l => l.Contains("TLS certificate not reloaded, still serving the previous one", StringComparison.Ordinal)),
            () => ServedThumbprintAsync(vault.Vault.BaseAddress));
        Assert.Equal(first, await ServedThumbprintAsync(vault.Vault.BaseAddress));

        // The key follows: new connections get the new certificate, and the vault answers over them.
        Replace(newKey, keyPath);
        string? served = null;
        await WaitUntilAsync(() => served == expected, async () => served = await ServedThumbprintAsync(vault.Vault.BaseAddress));
        Assert.NotEqual(first, served);
        Assert.Contains(vault.Logs.Lines, l => l.Contains("TLS certificate reloaded from", StringComparison.Ordinal));
    }

    [Fact]
    public void ACertificateWithAnotherCertificatesKeyIsOneClearLine()
    {
        using var dir = new TempDir();
        Directory.CreateDirectory(Path.Combine(dir.Path, "a"));
        Directory.CreateDirectory(Path.Combine(dir.Path, "b"));
        (string certificate, _) = VaultTls.CreateDevCertificate(Path.Combine(dir.Path, "a"));
        (_, string otherKey) = VaultTls.CreateDevCertificate(Path.Combine(dir.Path, "b"));

        var e = Assert.Throws<Lockbox.Vault.Core.VaultConfigurationException>(() => VaultTls.Load(certificate, otherKey));
        Assert.StartsWith($"TLS certificate {certificate} and key {otherKey} are not a matching PEM certificate and private key", e.Message, StringComparison.Ordinal);
    }

    /// <summary>Moves a copy into place in one step, as an operator's deploy tool would.</summary>
    private static void Replace(string from, string to)
    {
        File.Copy(from, to + ".new", overwrite: true);
        File.Move(to + ".new", to, overwrite: true);
    }

    private static async Task WaitUntilAsync(Func<bool> done, Func<Task> probe)
    {
        for (int i = 0; i < 100 && !done(); i++)
        {
            await Task.Delay(200);
            await probe();
        }
        Assert.True(done(), "the vault did not pick up the new files within 20 s");
    }

    /// <summary>The thumbprint of the certificate a fresh TLS connection is given.</summary>
    private static async Task<string> ServedThumbprintAsync(Uri address)
    {
        string? thumbprint = null;
        using var handler = new HttpClientHandler
        {
            ServerCertificateCustomValidationCallback = (_, certificate, _, _) =>
            {
                thumbprint = certificate!.Thumbprint;
                return true;
            },
        };
        using var http = new HttpClient(handler);
        using HttpResponseMessage response = await http.GetAsync(new Uri(address, "v1/hello"));
        return thumbprint ?? throw new InvalidOperationException("no certificate was presented");
    }

    [Fact]
    public async Task AnUntrustedOrMisnamedCertificateIsRefusedBeforeTheTokenIsSent()
    {
        using var dir = new TempDir();
        Directory.CreateDirectory(Path.Combine(dir.Path, "server"));
        Directory.CreateDirectory(Path.Combine(dir.Path, "other"));
        (string serverCert, string serverKey) = VaultTls.CreateDevCertificate(Path.Combine(dir.Path, "server"));
        (string otherCert, _) = VaultTls.CreateDevCertificate(Path.Combine(dir.Path, "other"));
        using var certificate = VaultTls.Load(serverCert, serverKey);
        const string token = "v1.secret-token-that-must-not-leave";

        // 1. Another certificate than the one the device trusts.
        await using (var server = new CapturingTlsServer(IPAddress.Loopback, certificate))
        {
            VaultException e = await Assert.ThrowsAsync<VaultException>(() => Status(server.Address, token, otherCert));
            Assert.Equal(VaultFailure.NotAuthentic, e.Failure);
            Assert.True(server.Connections >= 1);
            Assert.Empty(server.Received);
        }

        // 2. The trusted certificate, but for another name: it names 127.0.0.1, ::1 and localhost, not 127.0.0.2.
        await using (var server = new CapturingTlsServer(IPAddress.Parse("127.0.0.2"), certificate))
        {
            VaultException e = await Assert.ThrowsAsync<VaultException>(() => Status(server.Address, token, serverCert));
            Assert.Equal(VaultFailure.NotAuthentic, e.Failure);
            Assert.True(server.Connections >= 1);
            Assert.Empty(server.Received);
        }

        // 3. No CA given: the system's roots do not include a self-signed certificate.
        await using (var server = new CapturingTlsServer(IPAddress.Loopback, certificate))
        {
            VaultException e = await Assert.ThrowsAsync<VaultException>(() => Status(server.Address, token, null));
            Assert.Equal(VaultFailure.NotAuthentic, e.Failure);
            Assert.Empty(server.Received);
        }

        // And the control: trusted and named right, the request does arrive — the unauthenticated hello, which
        // carries no token: the token waits until the fleet's signed answer has been checked.
        await using (var server = new CapturingTlsServer(IPAddress.Loopback, certificate))
        {
            using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(5));
            Task status = Status(server.Address, token, serverCert, TimeSpan.FromSeconds(3));
            while (server.Received.Length == 0 && !cts.IsCancellationRequested) await Task.Delay(20);
            string received = System.Text.Encoding.ASCII.GetString(server.Received);
            Assert.StartsWith("POST /v1/hello ", received, StringComparison.Ordinal);
            Assert.DoesNotContain(token, received, StringComparison.Ordinal);
            await Assert.ThrowsAsync<VaultException>(() => status); // the capturing server never answers
        }
    }

    [Fact]
    public async Task PlainHttpToAnotherHostIsRefusedWithoutInsecureAndNoRequestIsMade()
    {
        // vault.invalid resolves to nothing (RFC 6761): had a request been attempted, the failure would be a DNS one.
        var options = Options(new Uri("http://vault.invalid:8443/"), "v1.token", null);
        VaultException refused = Assert.Throws<VaultException>(() => new VaultClient(options));
        Assert.Equal(VaultFailure.Rejected, refused.Failure);
        Assert.Equal("Refusing to send the account credential in clear to http://vault.invalid:8443: use an https:// vault address (plain http:// is only for 127.0.0.1, ::1 and localhost), or pass --insecure if this network is trusted.", refused.Message);
        Assert.DoesNotContain("v1.token", refused.Message, StringComparison.Ordinal);

        foreach (string host in new[] { "http://10.0.0.1/", "http://[2001:db8::1]/", "http://localhost.example/", "http://127.0.0.1.nip.io/", "http://0.0.0.0/" })
            Assert.Equal(VaultFailure.Rejected, Assert.Throws<VaultException>(() => new VaultClient(Options(new Uri(host), "v1.token", null))).Failure);
        foreach (string host in new[] { "http://127.0.0.1:1/", "http://127.8.9.10:1/", "http://[::1]:1/", "http://localhost:1/", "http://LOCALHOST:1/" })
            using (new VaultClient(Options(new Uri(host), "v1.token", null))) { }

        // With the insecure opt-in the request is attempted (and fails on the name that resolves to nothing).
        using var insecure = new VaultClient(Options(new Uri("http://vault.invalid:8443/"), "v1.token", null, allowInsecure: true));
        Assert.Equal(VaultFailure.Unreachable, (await Assert.ThrowsAsync<VaultException>(() => insecure.GetStatusAsync())).Failure);
    }

    [Fact]
    public async Task TheCliRefusesPlainHttpToAnotherHostInOneLineUnlessInsecure()
    {
        await using VaultUnderTest vault = await VaultUnderTest.StartAsync();
        using var world = new PasswordWorld(vault);
        await world.EnrolAndBackUpAsync();

        CliRunner device = world.Device("new-phone");
        CliResult refused = await device.RunAsync("restore", "--repo", world.Repository, "--to", world.NewFolder("out"), "--vault", "http://vault.invalid:8443");
        Assert.NotEqual(0, refused.ExitCode);
        Assert.Equal("lockbox: Refusing to send the account credential in clear to http://vault.invalid:8443: use an https:// vault address (plain http:// is only for 127.0.0.1, ::1 and localhost), or pass --insecure if this network is trusted.", refused.Error.Trim());

        CliResult attempted = await device.RunAsync("restore", "--repo", world.Repository, "--to", world.NewFolder("out"), "--vault", "http://vault.invalid:8443", "--insecure");
        Assert.NotEqual(0, attempted.ExitCode);
        Assert.StartsWith("lockbox: Cannot reach the vault at http://vault.invalid:8443/", attempted.Error.Trim(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task VaultServeServesHttpsFromPemFilesMadeByDevCert()
    {
        using var dir = new TempDir();
        string vaultDir = Path.Combine(dir.Path, "vault");
        var cli = new CliRunner(new Dictionary<string, string?> { ["LOCKBOX_HOME"] = Path.Combine(dir.Path, "home") });
        Assert.Equal(0, (await cli.RunAsync("vault", "init", "--dir", vaultDir)).ExitCode);
        CliResult made = await cli.RunAsync("vault", "dev-cert", "--dir", vaultDir);
        Assert.True(made.ExitCode == 0, made.ToString());
        string cert = made.Out.Trim(), key = Path.Combine(vaultDir, VaultTls.DevKeyFile);
        if (!OperatingSystem.IsWindows()) Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(key));
        Assert.StartsWith("-----BEGIN CERTIFICATE-----", await File.ReadAllTextAsync(cert), StringComparison.Ordinal);

        CliResult noCert = await cli.RunAsync("vault", "serve", "--dir", vaultDir, "--urls", "https://127.0.0.1:0");
        Assert.Equal(2, noCert.ExitCode);
        Assert.Equal("lockbox: An https:// address needs a certificate: --tls-cert FILE --tls-key FILE (PEM; 'lockbox vault dev-cert' makes one for development).", noCert.Error.Trim());
        CliResult wrongKey = await cli.RunAsync("vault", "serve", "--dir", vaultDir, "--urls", "https://127.0.0.1:0", "--tls-cert", cert, "--tls-key", cert);
        Assert.Equal(2, wrongKey.ExitCode);
        Assert.Single(wrongKey.Error.Trim().Split('\n'));

        using ServeProcess served = ServeProcess.Start(null, "vault", "serve", "--dir", vaultDir, "--urls", "https://127.0.0.1:0", "--tls-cert", cert, "--tls-key", key);
        Assert.True(await served.WaitServingAsync(TimeSpan.FromMinutes(2)), served.Stderr);
        Assert.Equal("https", served.Address!.Scheme);
        using var http = new HttpClient(VaultUnderTest.TrustingOnly(cert)) { BaseAddress = served.Address };
        Assert.Contains("\"ok\"", await http.GetStringAsync("health"), StringComparison.Ordinal);
    }

    private static VaultClientOptions Options(Uri url, string token, string? ca, TimeSpan? timeout = null, bool allowInsecure = false) => new()
    {
        VaultUrl = url,
        AccountId = "alice",
        AccountToken = token,
        FleetPublicKey = new byte[FleetKey.Size],
        KeyStretching = KeyStretchingPresets.Test,
        TrustedCertificatesPath = ca,
        RequestTimeout = timeout ?? TimeSpan.FromSeconds(30),
        AllowInsecureHttp = allowInsecure,
    };

    private static async Task Status(Uri url, string token, string? ca, TimeSpan? timeout = null)
    {
        using var client = new VaultClient(Options(url, token, ca, timeout));
        await client.GetStatusAsync();
    }
}
