using System.Security.Cryptography;
using System.Threading.RateLimiting;
using Lockbox.Opaque;
using Lockbox.Vault.Core;
using Lockbox.Vault.Core.Hsm;
using Lockbox.Vault.Core.Opaque;
using Lockbox.Vault.Core.State;
using Lockbox.Vault.Hsm.Pkcs11;
using Lockbox.Vault.Server.Auth;
using Lockbox.Vault.Server.Hsm;
using Lockbox.Vault.Server.Http;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.RateLimiting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using OpenTelemetry.Metrics;

namespace Lockbox.Vault.Server.Hosting;

/// <summary>
/// The entry points the CLI calls: <see cref="InitAsync"/> (key ceremony, <c>lockbox vault init</c>),
/// <see cref="StartAsync"/> (<c>lockbox vault serve</c>, or an embedded vault) and <see cref="MintToken"/>
/// (<c>lockbox vault token</c>). Failures a user can cause are <see cref="VaultConfigurationException"/>s with one-line messages.
/// </summary>
public static class VaultHost
{
    /// <summary>The PIN's environment variable.</summary>
    public const string PinVariable = "LOCKBOX_HSM_PIN";

    /// <summary>The key ceremony: creates the HSM secrets, the server AKE key pair and the token key; returns the fleet public key.</summary>
    public static Task<VaultInitResult> InitAsync(VaultInitOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        string path = Path.GetFullPath(options.Directory);
        if (Directory.Exists(path) && Directory.EnumerateFileSystemEntries(path).Any())
            throw new VaultConfigurationException($"{path} is not empty; the key ceremony needs a new directory.");
        if (options.GuessLimit is < 1 or > VaultPolicy.MaxGuessLimit)
            throw new VaultConfigurationException($"The guess limit must be between 1 and {VaultPolicy.MaxGuessLimit}.");
        if (OperatingSystem.IsWindows()) Directory.CreateDirectory(path);
        else Directory.CreateDirectory(path, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        var dir = new VaultDirectory(path);

        using IHsm hsm = options.Hsm switch
        {
            "software" => SoftwareHsm.Create(dir.HsmKeyPath),
            "pkcs11" => Pkcs11Hsm.Create(new Pkcs11HsmOptions
            {
                LibraryPath = options.Pkcs11Library ?? throw new VaultConfigurationException("--pkcs11-library is required with --hsm pkcs11."),
                TokenLabel = options.TokenLabel ?? throw new VaultConfigurationException("--token-label is required with --hsm pkcs11."),
                Pin = options.Pin ?? throw new VaultConfigurationException($"The PKCS#11 PIN is not set (environment variable {PinVariable})."),
                KeyLabelPrefix = options.KeyLabelPrefix,
            }),
            _ => throw new VaultConfigurationException($"Unknown HSM '{options.Hsm}': use software or pkcs11."),
        };
        using ServerKeyPair keyPair = ServerKeyPair.Generate();
        dir.WriteServerKey(hsm, keyPair);
        byte[] signingSeed = Lockbox.Cryptography.Sodium.Ed25519.GenerateSeed();
        string fleetKey;
        try
        {
            dir.WriteSigningKey(hsm, signingSeed);
            using var signing = new FleetSigningKey(signingSeed);
            fleetKey = signing.Text;
        }
        finally
        {
            CryptographicOperations.ZeroMemory(signingSeed);
        }
        byte[] tokenKey = RandomNumberGenerator.GetBytes(HmacTokenValidator.KeySize);
        try
        {
            VaultDirectory.WriteSecret(dir.TokenKeyPath, tokenKey, mode0600: true);
        }
        finally
        {
            CryptographicOperations.ZeroMemory(tokenKey);
        }
        string publicKey = System.Buffers.Text.Base64Url.EncodeToString(keyPair.PublicKey);
        dir.WriteConfig(new VaultConfig(1, options.Hsm, publicKey, options.GuessLimit,
            options.Hsm == "pkcs11" ? options.Pkcs11Library : null,
            options.Hsm == "pkcs11" ? options.TokenLabel : null,
            options.Hsm == "pkcs11" ? options.KeyLabelPrefix : null, fleetKey));
        Directory.CreateDirectory(dir.StatePath);
        return Task.FromResult(new VaultInitResult(path, fleetKey, options.Hsm));
    }

    /// <summary>The fleet key devices pin, recorded in a vault directory (<c>lbfk1.</c>…).</summary>
    public static string ReadFleetPublicKey(string directory) => new VaultDirectory(Path.GetFullPath(directory)).ReadConfig().FleetKey
        ?? throw new VaultConfigurationException($"{directory} has no fleet signing key (it was made before signed answers); make a new vault with 'lockbox vault init'.");

    /// <summary>A development account credential for <paramref name="accountId"/>, signed with the vault's token key.</summary>
    public static string MintToken(string directory, string accountId, TimeSpan? lifetime = null)
    {
        if (!AccountIds.IsValid(accountId)) throw new VaultConfigurationException("The " + AccountIds.Rule + ".");
        byte[] key = new VaultDirectory(Path.GetFullPath(directory)).ReadTokenKey();
        try
        {
            using var validator = new HmacTokenValidator(key);
            return validator.Mint(accountId, DateTimeOffset.UtcNow + (lifetime ?? TimeSpan.FromDays(30)));
        }
        finally
        {
            CryptographicOperations.ZeroMemory(key);
        }
    }

    /// <summary>Opens the vault directory, replays its state and serves HTTP on <paramref name="urls"/> (e.g. http://127.0.0.1:0).</summary>
    public static async Task<RunningVault> StartAsync(string directory, string urls, VaultServerOptions? options = null)
    {
        options ??= new VaultServerOptions();
        var dir = new VaultDirectory(Path.GetFullPath(directory));
        VaultConfig config = dir.ReadConfig();
        var metrics = new VaultMetrics();
        MeasuredHsm? hsm = null;
        OpaqueServerAdapter? opaque = null;
        VaultNode? node = null;
        HmacTokenValidator? ownValidator = null;
        FleetSigningKey? signing = null;
        try
        {
            hsm = new MeasuredHsm(dir.OpenHsm(config, options.Pin ?? Environment.GetEnvironmentVariable(PinVariable)), metrics);
            opaque = new OpaqueServerAdapter(dir.ReadServerKey(hsm, config));
            signing = dir.ReadSigningKey(hsm, config);
            var policy = new VaultPolicy { DefaultGuessLimit = config.GuessLimit, LoginTimeout = options.LoginTimeout };
            node = new VaultNode(hsm, opaque, policy, dir.StatePath, options.Time, metrics, options.CompactEvery);
            IAccountCredentialValidator validator = options.CredentialValidator ?? (ownValidator = NewTokenValidator(dir, options.Time));

            WebApplicationBuilder builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions { ContentRootPath = dir.Path, Args = [] });
            builder.WebHost.UseUrls(urls);
            builder.WebHost.ConfigureKestrel(k =>
            {
                k.AddServerHeader = false;
                k.Limits.MaxRequestBodySize = RequestBody.MaxBytes * 4L;
            });
            builder.Logging.ClearProviders();
            if (options.ConfigureLogging is not null) options.ConfigureLogging(builder.Logging);
            else builder.Logging.AddJsonConsole().SetMinimumLevel(LogLevel.Information);
            builder.Services.AddSingleton(validator);
            builder.Services.AddSingleton(metrics);
            builder.Services.AddSingleton(signing);
            builder.Services.AddRateLimiter(r => ConfigureRateLimits(r, options));
            builder.Services.AddOpenTelemetry().WithMetrics(m => m
                .AddMeter(VaultMetrics.MeterName, "Microsoft.AspNetCore.Hosting", "Microsoft.AspNetCore.Server.Kestrel", "System.Threading.RateLimiting")
                .AddPrometheusExporter());

            WebApplication app = builder.Build();
            app.UseExceptionHandler(e => e.Run(c => ApiErrors.WriteAsync(c, StatusCodes.Status500InternalServerError, "internal",
                "The vault failed to handle this request; only what was already acknowledged is durable. Retry later.")));
            app.UseMiddleware<ResponseSigning>(); // after routing, before authentication: every answer is signed
            app.UseMiddleware<AccountAuthentication>();
            app.UseRateLimiter();
            app.MapPrometheusScrapingEndpoint("/metrics");
            IServer server = app.Services.GetRequiredService<IServer>();
            string[] publicUrls = options.PublicUrls.Select(u => u.AbsoluteUri).ToArray();
            VaultEndpoints.Map(app, node, signing, () => publicUrls.Length > 0 ? publicUrls : server.Features.Get<IServerAddressesFeature>()?.Addresses.ToArray() ?? []);
            await app.StartAsync().ConfigureAwait(false);

            string address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
            var running = new RunningVault(app, new Uri(address.TrimEnd('/') + "/"), node, hsm, opaque, metrics, signing);
            app.Services.GetRequiredService<ILoggerFactory>().CreateLogger("Lockbox.Vault").LogInformation(
                "Vault serving on {Address}: hsm {Hsm}, state at log entry {Seq}, fleet key {FleetKey}", address, hsm.Kind, node.LastSeq, signing.Text);
            return running;
        }
        catch
        {
            node?.Dispose();
            opaque?.Dispose();
            hsm?.Dispose();
            ownValidator?.Dispose();
            signing?.Dispose();
            metrics.Dispose();
            throw;
        }
    }

    private static HmacTokenValidator NewTokenValidator(VaultDirectory dir, TimeProvider time)
    {
        byte[] key = dir.ReadTokenKey();
        try
        {
            return new HmacTokenValidator(key, time);
        }
        finally
        {
            CryptographicOperations.ZeroMemory(key);
        }
    }

    private static void ConfigureRateLimits(RateLimiterOptions r, VaultServerOptions options)
    {
        r.GlobalLimiter = PartitionedRateLimiter.CreateChained(
            PartitionedRateLimiter.Create<HttpContext, string>(c => RateLimitPartition.GetFixedWindowLimiter(
                c.Connection.RemoteIpAddress?.ToString() ?? "unknown",
                _ => new FixedWindowRateLimiterOptions { PermitLimit = options.AddressRequestsPerMinute, Window = TimeSpan.FromMinutes(1), QueueLimit = 0 })),
            PartitionedRateLimiter.Create<HttpContext, string>(c => c.Items[AccountAuthentication.AccountItem] is string account
                ? RateLimitPartition.GetFixedWindowLimiter(account,
                    _ => new FixedWindowRateLimiterOptions { PermitLimit = options.AccountRequestsPerMinute, Window = TimeSpan.FromMinutes(1), QueueLimit = 0 })
                : RateLimitPartition.GetNoLimiter("")));
        r.RejectionStatusCode = StatusCodes.Status429TooManyRequests;
        r.OnRejected = async (context, cancellationToken) =>
        {
            context.HttpContext.RequestServices.GetRequiredService<VaultMetrics>().Rejected.Add(1, new KeyValuePair<string, object?>("reason", "rate_limited"));
            if (context.Lease.TryGetMetadata(MetadataName.RetryAfter, out TimeSpan retry))
                context.HttpContext.Response.Headers.RetryAfter = ((int)Math.Ceiling(retry.TotalSeconds)).ToString(System.Globalization.CultureInfo.InvariantCulture);
            await ApiErrors.WriteAsync(context.HttpContext, StatusCodes.Status429TooManyRequests, "rate_limited", "Too many requests; retry later.").ConfigureAwait(false);
        };
    }
}
