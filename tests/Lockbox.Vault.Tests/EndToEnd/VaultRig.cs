using Lockbox.Client.Vault;
using Lockbox.Opaque;
using Lockbox.Vault.Server.Hosting;
using Lockbox.Vault.Tests.Support;
using Microsoft.Extensions.Logging;

namespace Lockbox.Vault.Tests.EndToEnd;

/// <summary>
/// A real vault for end-to-end tests: key ceremony in a temp dir (software HSM, or a SoftHSM2 token),
/// served over HTTP on 127.0.0.1 port 0, every log line captured; and clients for accounts on it.
/// </summary>
internal sealed class VaultRig : IAsyncDisposable
{
    private readonly TempDir _dir;

    private VaultRig(TempDir dir, string vaultDirectory, RunningVault vault, CapturedLog log, byte[] fleetKey)
    {
        _dir = dir;
        VaultDirectory = vaultDirectory;
        Vault = vault;
        Log = log;
        FleetKey = fleetKey;
    }

    public string VaultDirectory { get; }

    public string WorkDirectory => _dir.Path;

    public RunningVault Vault { get; private set; }

    public CapturedLog Log { get; }

    public byte[] FleetKey { get; }

    public Uri Url => Vault.BaseAddress;

    public static async Task<VaultRig> StartAsync(bool softHsm2 = false)
    {
        var dir = new TempDir();
        string vaultDir = Path.Combine(dir.Path, "vault");
        VaultInitOptions init = softHsm2
            ? new VaultInitOptions
            {
                Directory = vaultDir,
                Hsm = "pkcs11",
                Pkcs11Library = SoftHsm.LibraryPath,
                TokenLabel = SoftHsm.TokenLabel,
                Pin = SoftHsm.UserPin,
                KeyLabelPrefix = SoftHsm.NewKeyPrefix(),
            }
            : new VaultInitOptions { Directory = vaultDir };
        if (softHsm2) _ = SoftHsm.TokenDirectory;
        VaultInitResult made = await VaultHost.InitAsync(init);
        Assert.True(Lockbox.Client.Vault.FleetKey.TryParse(made.FleetPublicKey, out byte[] fleetKey, out _));
        var log = new CapturedLog();
        RunningVault vault = await VaultHost.StartAsync(vaultDir, "http://127.0.0.1:0", Options(log, softHsm2));
        return new VaultRig(dir, vaultDir, vault, log, fleetKey);
    }

    private static VaultServerOptions Options(CapturedLog log, bool softHsm2) => new()
    {
        Pin = softHsm2 ? SoftHsm.UserPin : null,
        AccountRequestsPerMinute = 10_000,
        AddressRequestsPerMinute = 100_000,
        ConfigureLogging = b => b.AddProvider(log).SetMinimumLevel(LogLevel.Trace),
    };

    /// <summary>Stops the vault and starts it again from its directory (state replayed from disk).</summary>
    public async Task RestartAsync(bool softHsm2 = false)
    {
        await Vault.DisposeAsync();
        Vault = await VaultHost.StartAsync(VaultDirectory, "http://127.0.0.1:0", Options(Log, softHsm2));
    }

    public string Token(string account) => VaultHost.MintToken(VaultDirectory, account);

    public VaultClient Client(string account, Argon2idKeyStretching? stretching = null, string? token = null) => new(new VaultClientOptions
    {
        VaultUrl = Url,
        AccountId = account,
        AccountToken = token ?? Token(account),
        FleetPublicKey = FleetKey,
        KeyStretching = stretching ?? KeyStretchingPresets.Test,
    });

    public async ValueTask DisposeAsync()
    {
        await Vault.DisposeAsync();
        _dir.Dispose();
    }
}
