using System.Security.Cryptography;
using Lockbox.Opaque;
using Lockbox.Vault.Core;
using Lockbox.Vault.Core.Hsm;
using Lockbox.Vault.Core.Opaque;
using Lockbox.Vault.Core.Replication;
using Lockbox.Vault.Core.State;
using Lockbox.Vault.Hsm.Pkcs11;
using Lockbox.Vault.Server.Auth;
using Lockbox.Vault.Server.Hsm;
using Lockbox.Vault.Server.Http;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using OpenTelemetry;
using Microsoft.Extensions.Configuration;
using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;

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
    public static string ReadFleetPublicKey(string directory) => new VaultDirectory(Path.GetFullPath(LocalCluster.AnyNode(directory))).ReadConfig().FleetKey
        ?? throw new VaultConfigurationException($"{directory} has no fleet signing key (it was made before signed answers); make a new vault with 'lockbox vault init'.");

    /// <summary>A development account credential for <paramref name="accountId"/>, signed with the vault's token key.</summary>
    public static string MintToken(string directory, string accountId, TimeSpan? lifetime = null)
    {
        if (!AccountIds.IsValid(accountId)) throw new VaultConfigurationException("The " + AccountIds.Rule + ".");
        byte[] key = new VaultDirectory(Path.GetFullPath(LocalCluster.AnyNode(directory))).ReadTokenKey();
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

    /// <summary>
    /// Locks the vault directory for this process, replays its state and serves HTTP(S) on <paramref name="urls"/>
    /// (e.g. http://127.0.0.1:0, or https://0.0.0.0:8443 with <see cref="VaultServerOptions.TlsCertificatePath"/>).
    /// </summary>
    public static async Task<RunningVault> StartAsync(string directory, string urls, VaultServerOptions? options = null)
    {
        options ??= new VaultServerOptions();
        var dir = new VaultDirectory(Path.GetFullPath(directory));
        VaultConfig config = dir.ReadConfig();
        ReloadingCertificate? certificate =
            VaultServeConfiguration.HasKestrelEndpoints(options.Configuration) && options.TlsCertificatePath is null ? null : LoadTls(urls, options);
        var metrics = new VaultMetrics();
        VaultDirectoryLock? directoryLock = null;
        MeasuredHsm? hsm = null;
        OpaqueServerAdapter? opaque = null;
        VaultNode? node = null;
        Lockbox.Vault.Cluster.ClusterVaultNode? member = null;
        ILoggerFactory? raftLogging = null;
        HmacTokenValidator? ownValidator = null;
        FleetSigningKey? signing = null;
        WebApplication? app = null;
        ManagementServer? management = null;
        Audit.VaultAudit? audit = null;
        try
        {
            directoryLock = VaultDirectoryLock.Acquire(dir.Path); // before the state is read: one process per directory
            IHsm opened = dir.OpenHsm(config, options.Pin ?? Environment.GetEnvironmentVariable(PinVariable));
            hsm = new MeasuredHsm(options.HsmDecorator is null ? opened : options.HsmDecorator(opened), metrics);
            opaque = new OpaqueServerAdapter(dir.ReadServerKey(hsm, config));
            signing = dir.ReadSigningKey(hsm, config);
            var policy = new VaultPolicy { DefaultGuessLimit = config.GuessLimit, LoginTimeout = options.LoginTimeout };
            if (options.Cluster is { } cluster)
            {
                // DotNext logs every failed heartbeat to a stopped peer with a stack trace at Warning: errors only.
                raftLogging = LoggerFactory.Create(l => { ConfigureLogging(l, options); l.AddFilter("DotNext", LogLevel.Error); });
                member = await Lockbox.Vault.Cluster.ClusterVaultNode.StartAsync(cluster with { StateDirectory = Path.Combine(dir.StatePath, "raft") },
                    hsm, opaque, policy, raftLogging, options.Time).ConfigureAwait(false);
            }
            else
            {
                node = new VaultNode(hsm, opaque, policy, dir.StatePath, options.Time, metrics, options.CompactEvery);
            }
            IVaultReplica replica = (IVaultReplica?)member ?? node!;
            IAccountCredentialValidator validator = options.CredentialValidator ?? (ownValidator = NewTokenValidator(dir, options.Time));

            WebApplicationBuilder builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions { ContentRootPath = dir.Path, Args = [] });
            builder.WebHost.UseUrls(urls);
            bool kestrelEndpoints = VaultServeConfiguration.HasKestrelEndpoints(options.Configuration);
            if (certificate is not null || kestrelEndpoints) builder.WebHost.UseKestrelHttpsConfiguration(); // the slim builder leaves HTTPS out
            builder.WebHost.ConfigureKestrel(k =>
            {
                if (options.Configuration is { } configuration) k.Configure(configuration.GetSection("Kestrel"), reloadOnChange: false);
                k.AddServerHeader = false;
                k.Limits.MaxRequestBodySize = RequestBody.MaxBytes;
                if (certificate is not null) k.ConfigureHttpsDefaults(h => h.ServerCertificateSelector = (_, _) => certificate.Current);
            });
            ConfigureLogging(builder.Logging, options);
            VaultPipeline.AddServices(builder.Services, options, validator, metrics);
            builder.Services.AddSingleton(signing);
            builder.Services.AddHttpContextAccessor(); // the audit trail's request id and remote address
            builder.Services.AddOpenTelemetry().ConfigureResource(r => r.AddService(options.ServiceName)).WithMetrics(m => m
                .AddMeter(VaultMetrics.MeterName, "Microsoft.AspNetCore.Hosting", "Microsoft.AspNetCore.Server.Kestrel", "Microsoft.AspNetCore.RateLimiting")
                .AddPrometheusExporter());

            string[] publicUrls = options.Cluster is { } group && options.PublicUrls.Count == 0
                ? [.. group.Members.Select(m => m.PublicUrl.AbsoluteUri)] // the signed hello lists every node of the group
                : [.. options.PublicUrls.Select(u => u.AbsoluteUri)];
            IServer? server = null;
            IReadOnlyList<string> Nodes() => publicUrls.Length > 0 ? publicUrls : server?.Features.Get<IServerAddressesFeature>()?.Addresses.ToArray() ?? [];
            builder.Services.AddSingleton(Routing(options, publicUrls, Nodes));

            app = builder.Build();
            if (certificate is not null) certificate.Logger = app.Services.GetRequiredService<ILoggerFactory>().CreateLogger("Lockbox.Vault.Tls");
            VaultPipeline.Use(app, options);
            server = app.Services.GetRequiredService<IServer>();
            string nodeName = Environment.MachineName + (options.Cluster is { } self ? "/" + self.NodeId.ToString(System.Globalization.CultureInfo.InvariantCulture) : "");
            audit = new Audit.VaultAudit(app.Services.GetRequiredService<ILoggerFactory>(), nodeName,
                app.Services.GetRequiredService<Microsoft.AspNetCore.Http.IHttpContextAccessor>(), options.Time, options.AuditLogPath);
            VaultEndpoints.Map(app, new Audit.AuditedReplica(replica, audit), signing, Nodes, app.Services.GetRequiredService<FleetRouting>());
            await app.StartAsync().ConfigureAwait(false);
            if (options.MetricsUrls is { Length: > 0 } metricsUrls)
            {
                var readiness = new Dictionary<string, Microsoft.Extensions.Diagnostics.HealthChecks.IHealthCheck>
                {
                    ["hsm"] = new Health.HsmHealthCheck(hsm, options.Time),
                    ["state"] = new Health.StateHealthCheck(dir.StatePath, () => node?.Failed == true),
                };
                if (member is not null) readiness["quorum"] = new Health.QuorumHealthCheck(member.Status);
                management = await ManagementServer.StartAsync(metricsUrls, app.Services.GetRequiredService<MeterProvider>(), options,
                    readiness, member is null ? null : member.Status).ConfigureAwait(false);
            }

            string address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
            var running = new RunningVault(app, new Uri(address.TrimEnd('/') + "/"), node, member, raftLogging, hsm, opaque, metrics, signing, management, directoryLock, certificate, audit);
            app.Services.GetRequiredService<ILoggerFactory>().CreateLogger("Lockbox.Vault").LogInformation(
                "{Service} serving on {Address}: hsm {Hsm}, state at log entry {Seq}, fleet key {FleetKey}, metrics on {Metrics}",
                options.ServiceName, address, hsm.Kind, member is null ? node!.LastSeq : member.Status().CommitIndex, signing.Text, management?.Address.ToString() ?? "(not served)");
            return running;
        }
        catch
        {
            if (management is not null) await management.DisposeAsync().ConfigureAwait(false);
            if (app is not null) await app.DisposeAsync().ConfigureAwait(false);
            audit?.Dispose();
            node?.Dispose();
            if (member is not null) await member.DisposeAsync().ConfigureAwait(false);
            raftLogging?.Dispose();
            opaque?.Dispose();
            hsm?.Dispose();
            ownValidator?.Dispose();
            signing?.Dispose();
            metrics.Dispose();
            directoryLock?.Dispose();
            certificate?.Dispose();
            throw;
        }
    }

    /// <summary>The node's fleet map and group: the operator's map file, or the default one-group map.</summary>
    private static FleetRouting Routing(VaultServerOptions options, string[] publicUrls, Func<IReadOnlyList<string>> nodes)
    {
        if (options.FleetMapPath is null)
            return new FleetRouting(null, options.Group ?? 1, nodes);
        if (publicUrls.Length == 0)
            throw new VaultConfigurationException("A node of a fleet map needs its public URL (--public-url, or its cluster membership) to check it is in its group.");
        Lockbox.Vault.Protocol.FleetMap map = FleetRouting.Load(options.FleetMapPath, options.Group, publicUrls);
        int group = options.Group ?? map.Groups[0].Id;
        return new FleetRouting(map, group, nodes);
    }

    internal static void ConfigureLogging(ILoggingBuilder logging, VaultServerOptions options)
    {
        logging.ClearProviders();
        if (options.ConfigureLogging is not null) options.ConfigureLogging(logging);
        else logging.AddJsonConsole().SetMinimumLevel(LogLevel.Information);
        if (options.Configuration is { } configuration) logging.AddConfiguration(configuration.GetSection("Logging"));
    }

    private static ReloadingCertificate? LoadTls(string urls, VaultServerOptions options)
    {
        bool https = urls.Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Any(u => u.StartsWith("https://", StringComparison.OrdinalIgnoreCase));
        if (options.TlsCertificatePath is null != options.TlsKeyPath is null)
            throw new VaultConfigurationException("TLS needs both a certificate and its key (--tls-cert FILE --tls-key FILE).");
        if (options.TlsCertificatePath is null)
        {
            if (https) throw new VaultConfigurationException("An https:// address needs a certificate: --tls-cert FILE --tls-key FILE (PEM; 'lockbox vault dev-cert' makes one for development).");
            return null;
        }
        if (!https) throw new VaultConfigurationException("--tls-cert is given but no --urls address is https://.");
        return new ReloadingCertificate(options.TlsCertificatePath, options.TlsKeyPath!, options.Time);
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
}
