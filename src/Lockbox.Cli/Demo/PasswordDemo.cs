using System.Diagnostics;
using Lockbox.Cli.Output;
using Lockbox.Client;
using Lockbox.Client.Vault;
using Lockbox.Cryptography;
using Lockbox.Opaque;
using Lockbox.Repository;
using Lockbox.Vault.Server.Hosting;

namespace Lockbox.Cli.Demo;

/// <summary>
/// The demo's password mode: a key vault embedded on a random loopback port (key ceremony with a software
/// HSM in the demo's temp folder, started and stopped by the demo), the phone escrowing K behind a
/// password, and the new device getting K back with only the password — after one mistyped attempt,
/// so the user sees the guess counter at work.
/// </summary>
internal sealed class PasswordDemo : IAsyncDisposable
{
    public const string Account = "demo-user@example.com";
    public const string Password = "correct horse battery staple";
    private const string Mistyped = "correct horse battery stapler";

    private readonly RunningVault _vault;
    private readonly Argon2idKeyStretching _stretching;
    private readonly string _token;
    private readonly byte[] _fleetKey;

    private readonly string _certificate;

    private PasswordDemo(RunningVault vault, Argon2idKeyStretching stretching, string token, byte[] fleetKey, string certificate)
    {
        _certificate = certificate;
        _vault = vault;
        _stretching = stretching;
        _token = token;
        _fleetKey = fleetKey;
    }

    /// <summary>What the repository should remember so the new device finds the vault.</summary>
    public RepositoryHints Hints => new(_vault.BaseAddress.AbsoluteUri, Account);

    public static async Task<(PasswordDemo Demo, string Detail)> StartAsync(string work, Argon2idKeyStretching stretching)
    {
        string directory = Path.Combine(work, "vault");
        VaultInitResult made = await VaultHost.InitAsync(new VaultInitOptions { Directory = directory }).ConfigureAwait(false);
        // HTTPS, as a real vault: a self-signed development certificate the phones trust explicitly.
        (string certificate, string certificateKey) = VaultTls.CreateDevCertificate(directory);
        RunningVault vault = await VaultHost.StartAsync(directory, "https://127.0.0.1:0", new VaultServerOptions
        {
            ConfigureLogging = _ => { },
            TlsCertificatePath = certificate,
            TlsKeyPath = certificateKey,
        }).ConfigureAwait(false);
        if (!FleetKey.TryParse(made.FleetPublicKey, out byte[] fleetKey, out string? error))
        {
            await vault.DisposeAsync().ConfigureAwait(false);
            throw new CliException(ExitCodes.Failure, $"The demo vault's fleet key: {error}");
        }
        var demo = new PasswordDemo(vault, stretching, VaultHost.MintToken(directory, Account), fleetKey, certificate);
        return (demo, $"vault on {vault.BaseAddress} (TLS with a development certificate, software HSM in {directory}); the phone pins its fleet key {made.FleetPublicKey}");
    }

    /// <summary>Escrows the phone's K behind the password.</summary>
    public async Task<(VaultAccountStatus Status, string Detail)> EnrolAsync(DeviceState phone, CancellationToken ct)
    {
        using BackupKey key = phone.TryLoadKey() ?? throw new CliException(ExitCodes.Failure, "The demo phone has no backup key to escrow.");
        using VaultClient client = Client(Hints);
        var clock = Stopwatch.StartNew();
        VaultAccountStatus status = await client.EnrolAsync(Password, key, ct).ConfigureAwait(false);
        return (status, $"the user picks the password \"{Password}\"; OPAQUE registration with {_stretching}, K wrapped on the phone " +
            $"and sent as 60 opaque bytes ({status.GuessLimit} wrong guesses erase it) in {Units.Duration(clock.Elapsed)}");
    }

    /// <summary>On the new device: reads the vault address from the repository, mistypes once, then recovers K.</summary>
    public async Task<(BackupKey Key, string Detail)> RecoverAsync(string repository, CancellationToken ct)
    {
        RepositoryHints hints = await VaultHints.ReadAsync(repository, ct).ConfigureAwait(false)
            ?? throw new CliException(ExitCodes.Failure, "The demo repository does not remember its vault.");
        using VaultClient client = Client(hints);
        string mistake;
        try
        {
            using BackupKey wrong = await client.RecoverAsync(Mistyped, ct).ConfigureAwait(false);
            throw new CliException(ExitCodes.Failure, "The vault released the key for a wrong password.");
        }
        catch (VaultException e) when (e.Failure == VaultFailure.WrongPassword)
        {
            mistake = e.Message;
        }
        var clock = Stopwatch.StartNew();
        BackupKey key = await client.RecoverAsync(Password, ct).ConfigureAwait(false);
        return (key, $"the repository names the vault {hints.VaultUrl} and account '{hints.AccountId}'; a mistyped password: \"{mistake}\"; " +
            $"the right one: OPAQUE login, K unwrapped on the device in {Units.Duration(clock.Elapsed)}; a right password clears the wrong-guess count");
    }

    private VaultClient Client(RepositoryHints hints) => new(new VaultClientOptions
    {
        VaultUrl = new Uri(hints.VaultUrl!),
        AccountId = hints.AccountId!,
        AccountToken = _token,
        FleetPublicKey = _fleetKey,
        KeyStretching = _stretching,
        TrustedCertificatesPath = _certificate,
    });

    public ValueTask DisposeAsync() => _vault.DisposeAsync();
}
