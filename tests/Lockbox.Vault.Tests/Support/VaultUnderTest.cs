using System.Net.Http.Headers;
using Lockbox.Vault.Server.Hosting;
using Microsoft.Extensions.Logging;

namespace Lockbox.Vault.Tests.Support;

/// <summary>A real vault: key ceremony in a temp dir (software HSM or a SoftHSM2 token), Kestrel on 127.0.0.1:0, real HTTP.</summary>
internal sealed class VaultUnderTest : IAsyncDisposable
{
    private readonly TempDir _dir = new();
    private readonly VaultServerOptions _options;

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

    public static async Task<VaultUnderTest> StartAsync(string hsm = "software", VaultServerOptions? options = null)
    {
        var v = new VaultUnderTest(hsm, options ?? new VaultServerOptions { AccountRequestsPerMinute = 100_000, AddressRequestsPerMinute = 100_000 });
        var init = new VaultInitOptions { Directory = v.Directory, Hsm = hsm };
        if (hsm == "pkcs11")
        {
            _ = SoftHsm.TokenDirectory;
            init = init with { Pkcs11Library = SoftHsm.LibraryPath, TokenLabel = SoftHsm.TokenLabel, Pin = SoftHsm.UserPin, KeyLabelPrefix = SoftHsm.NewKeyPrefix() };
        }
        await VaultHost.InitAsync(init);
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
        Vault = await VaultHost.StartAsync(Directory, "http://127.0.0.1:0", _options);
        Http = new HttpClient { BaseAddress = Vault.BaseAddress };
        Http.DefaultRequestHeaders.Accept.Add(new MediaTypeWithQualityHeaderValue("application/json"));
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
