using System.Net.Http.Headers;
using Lockbox.Vault.Server.Hosting;
using Microsoft.Extensions.Logging;

namespace Lockbox.Vault.Tests.Support;

/// <summary>A real vault: key ceremony in a temp dir (software HSM or a SoftHSM2 token), Kestrel on 127.0.0.1:0, real HTTP.</summary>
internal sealed class VaultUnderTest : IAsyncDisposable
{
    private readonly TempDir _dir = new();
    private VaultServerOptions _options;

    private VaultUnderTest(string hsm, VaultServerOptions options)
    {
        HsmKind = hsm;
        _options = options with
        {
            Pin = SoftHsm.UserPin,
            MetricsUrls = options.MetricsUrls ?? "http://127.0.0.1:0",
            ConfigureLogging = b => b.AddProvider(Logs).SetMinimumLevel(LogLevel.Debug),
        };
    }

    public string HsmKind { get; }
    public string Directory => Path.Combine(_dir.Path, "vault");
    public CapturedLogs Logs { get; } = new();
    public RunningVault Vault { get; private set; } = null!;
    public HttpClient Http { get; private set; } = null!;

    /// <summary>The development certificate the vault serves when started with https (trust it to connect).</summary>
    public string? TlsCertificate { get; private set; }

    private string _urls = "http://127.0.0.1:0";

    /// <summary>A vault serving https:// on 127.0.0.1 with a fresh development certificate (<see cref="TlsCertificate"/>).</summary>
    public static Task<VaultUnderTest> StartHttpsAsync(VaultServerOptions? options = null) => StartAsync("software", options, https: true);

    public static async Task<VaultUnderTest> StartAsync(string hsm = "software", VaultServerOptions? options = null) => await StartAsync(hsm, options, https: false);

    private static async Task<VaultUnderTest> StartAsync(string hsm, VaultServerOptions? options, bool https)
    {
        var v = new VaultUnderTest(hsm, options ?? new VaultServerOptions { AccountRequestsPerMinute = 100_000, AddressRequestsPerMinute = 100_000 });
        var init = new VaultInitOptions { Directory = v.Directory, Hsm = hsm };
        if (hsm == "pkcs11")
        {
            _ = SoftHsm.TokenDirectory;
            init = init with { Pkcs11Library = SoftHsm.LibraryPath, TokenLabel = SoftHsm.TokenLabel, Pin = SoftHsm.UserPin, KeyLabelPrefix = SoftHsm.NewKeyPrefix() };
        }
        await VaultHost.InitAsync(init);
        if (https)
        {
            (string cert, string key) = VaultTls.CreateDevCertificate(v.Directory);
            v.TlsCertificate = cert;
            v._urls = "https://127.0.0.1:0";
            v._options = v._options with { TlsCertificatePath = cert, TlsKeyPath = key };
        }
        await v.StartServerAsync();
        return v;
    }

    public VaultTestClient Client(string accountId) => new(Http, accountId, VaultHost.MintToken(Directory, accountId), Vault.FleetPublicKey);

    /// <summary>Stops the node and starts it again on the same directory (state replayed from disk).</summary>
    public async Task RestartAsync()
    {
        Http.Dispose();
        await Vault.DisposeAsync();
        await StartServerAsync();
    }

    private async Task StartServerAsync()
    {
        Vault = await VaultHost.StartAsync(Directory, _urls, _options);
        Http = TlsCertificate is null ? new HttpClient { BaseAddress = Vault.BaseAddress } : new HttpClient(TrustingOnly(TlsCertificate)) { BaseAddress = Vault.BaseAddress };
        Http.DefaultRequestHeaders.Accept.Add(new MediaTypeWithQualityHeaderValue("application/json"));
    }

    /// <summary>A handler that trusts exactly the certificate(s) in <paramref name="pemFile"/> (chain and name checked).</summary>
    public static SocketsHttpHandler TrustingOnly(string pemFile)
    {
        var policy = new System.Security.Cryptography.X509Certificates.X509ChainPolicy
        {
            TrustMode = System.Security.Cryptography.X509Certificates.X509ChainTrustMode.CustomRootTrust,
            RevocationMode = System.Security.Cryptography.X509Certificates.X509RevocationMode.NoCheck,
        };
        var trusted = new System.Security.Cryptography.X509Certificates.X509Certificate2Collection();
        trusted.ImportFromPemFile(pemFile);
        policy.CustomTrustStore.AddRange(trusted);
        return new SocketsHttpHandler { SslOptions = new System.Net.Security.SslClientAuthenticationOptions { CertificateChainPolicy = policy } };
    }

    /// <summary>Every byte the vault keeps on disk, plus its logs.</summary>
    public byte[] Dump()
    {
        using var all = new MemoryStream();
        foreach (string file in System.IO.Directory.EnumerateFiles(Directory, "*", SearchOption.AllDirectories).Where(f => Path.GetFileName(f) != "vault.lock"))
            all.Write(File.ReadAllBytes(file));
        all.Write(System.Text.Encoding.UTF8.GetBytes(Logs.All));
        return all.ToArray();
    }

    public async ValueTask DisposeAsync()
    {
        Http?.Dispose();
        if (Vault is not null) await Vault.DisposeAsync();
        _dir.Dispose();
    }
}
