using Lockbox.Client.Vault;
using Lockbox.Vault.Server.Hosting;

namespace Lockbox.Client.Tests.Support;

/// <summary>
/// A real key vault in process: key ceremony in a temporary folder (software HSM), Kestrel on https://127.0.0.1:0 with a
/// development certificate the devices trust explicitly, as `lockbox demo` runs it.
/// </summary>
internal sealed class TestVault : IAsyncDisposable
{
    private readonly TempFolder _folder;
    private readonly RunningVault _vault;
    private readonly byte[] _fleetKey;
    private readonly string _certificate;

    private TestVault(TempFolder folder, RunningVault vault, byte[] fleetKey, string certificate)
    {
        _folder = folder;
        _vault = vault;
        _fleetKey = fleetKey;
        _certificate = certificate;
    }

    public string Directory => Path.Combine(_folder.Path, "vault");

    public static async Task<TestVault> StartAsync()
    {
        var folder = new TempFolder();
        string directory = Path.Combine(folder.Path, "vault");
        VaultInitResult made = await VaultHost.InitAsync(new VaultInitOptions { Directory = directory });
        (string certificate, string key) = VaultTls.CreateDevCertificate(directory);
        RunningVault vault = await VaultHost.StartAsync(directory, "https://127.0.0.1:0", new VaultServerOptions
        {
            ConfigureLogging = _ => { },
            TlsCertificatePath = certificate,
            TlsKeyPath = key,
            AccountRequestsPerMinute = 100_000,
            AddressRequestsPerMinute = 100_000,
        });
        Assert.True(FleetKey.TryParse(made.FleetPublicKey, out byte[] fleetKey, out string? error), error);
        return new TestVault(folder, vault, fleetKey, certificate);
    }

    /// <summary>What an app configures for one account: the vault, its token, the pinned fleet key and the trusted certificate.</summary>
    public VaultClientOptions Options(string account) => new()
    {
        VaultUrl = _vault.BaseAddress,
        AccountId = account,
        AccountToken = VaultHost.MintToken(Directory, account),
        FleetPublicKey = _fleetKey,
        KeyStretching = KeyStretchingPresets.Test,
        TrustedCertificatesPath = _certificate,
    };

    public async ValueTask DisposeAsync()
    {
        await _vault.DisposeAsync();
        _folder.Dispose();
    }
}

/// <summary>Vault options with another account credential (a token the vault rejects for this account).</summary>
internal static class VaultClientOptionsExtensions
{
    public static VaultClientOptions WithToken(this VaultClientOptions o, string token) => new()
    {
        VaultUrl = o.VaultUrl,
        VaultUrls = o.VaultUrls,
        AccountId = o.AccountId,
        AccountToken = token,
        FleetPublicKey = o.FleetPublicKey,
        KeyStretching = o.KeyStretching,
        TrustedCertificatesPath = o.TrustedCertificatesPath,
    };
}
