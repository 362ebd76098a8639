using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Json;
using System.Runtime.InteropServices;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Lockbox.Opaque;
using Lockbox.Vault.Server.Hosting;

namespace Lockbox.Benchmarks.Vault;

/// <summary>
/// Full vault logins over HTTP on loopback (login/start + login/finish with real OPAQUE messages),
/// against a vault with the software HSM and one with SoftHSM2 over PKCS#11:
/// throughput, p50/p99 latency of the two round trips, and the share of server time spent in the HSM.
/// <c>vault-login [logins] [concurrency] [software,pkcs11]</c>; run by benchmarks/vault-login.sh.
/// </summary>
internal static partial class VaultLoginThroughput
{
    private static readonly OpaqueClient Client = new(new OpaqueConfiguration([], KeyStretching.Identity));
    private const string Password = "benchmark password";
    private const int Accounts = 16;

    public static async Task<int> RunAsync(string[] args)
    {
        int logins = args.Length > 0 ? int.Parse(args[0], CultureInfo.InvariantCulture) : 2000;
        int concurrency = args.Length > 1 ? int.Parse(args[1], CultureInfo.InvariantCulture) : 8;
        string[] kinds = (args.Length > 2 ? args[2] : "software,pkcs11,cluster3").Split(',');
        string work = Path.Combine(Path.GetTempPath(), "lockbox-vault-bench-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(work);
        try
        {
            Console.WriteLine($"vault login benchmark: {logins} logins, {Accounts} accounts, client KSF = identity, {Environment.ProcessorCount} cores");
            Console.WriteLine();
            Console.WriteLine("| HSM | concurrency | logins/s | p50 ms | p99 ms | HSM ms/login | HSM share of server time |");
            Console.WriteLine("|---|---|---|---|---|---|---|");
            var failovers = new List<string>();
            foreach (string kind in kinds)
            {
                foreach (int c in concurrency == 1 ? [1] : (int[])[1, concurrency])
                {
                    int n = c == 1 ? Math.Max(200, logins / 4) : logins;
                    if (kind == "cluster3") failovers.Add(await ClusterLogins.RunAsync(c, n, Path.Combine(work, kind + "-" + c)).ConfigureAwait(false));
                    else await RunOneAsync(kind, c, n, Path.Combine(work, kind + "-" + c)).ConfigureAwait(false);
                }
            }
            if (failovers.Count > 0)
            {
                Console.WriteLine();
                Console.WriteLine("3-node failover (leader stopped in process: its sockets close; then logins polled on the two survivors until one succeeds):");
                foreach (string f in failovers) Console.WriteLine("- " + f);
            }
            return 0;
        }
        finally
        {
            Directory.Delete(work, recursive: true);
        }
    }

    private static async Task RunOneAsync(string kind, int concurrency, int logins, string dir)
    {
        var init = new VaultInitOptions { Directory = Path.Combine(dir, "vault"), Hsm = kind };
        if (kind == "pkcs11")
        {
            (string library, string label, string pin) = SoftHsmToken(dir);
            init = init with { Pkcs11Library = library, TokenLabel = label, Pin = pin, KeyLabelPrefix = "bench-" + concurrency };
        }
        await VaultHost.InitAsync(init).ConfigureAwait(false);
        await using RunningVault vault = await VaultHost.StartAsync(init.Directory, "http://127.0.0.1:0", new VaultServerOptions
        {
            Pin = init.Pin,
            AccountRequestsPerMinute = int.MaxValue,
            AddressRequestsPerMinute = int.MaxValue,
            ConfigureLogging = _ => { },
        }).ConfigureAwait(false);
        using var http = new HttpClient { BaseAddress = vault.BaseAddress };

        for (int a = 0; a < Accounts; a++) await EnrolAsync(http, init.Directory, "acct" + a).ConfigureAwait(false);
        string[] tokens = Enumerable.Range(0, Accounts).Select(a => VaultHost.MintToken(init.Directory, "acct" + a)).ToArray();
        for (int i = 0; i < 20; i++) await LoginAsync(http, "acct" + (i % Accounts), tokens[i % Accounts]).ConfigureAwait(false); // warm-up

        TimeSpan hsmBefore = vault.Hsm.TotalTime;
        var latencies = new double[logins];
        int next = -1;
        long wall = Stopwatch.GetTimestamp();
        await Task.WhenAll(Enumerable.Range(0, concurrency).Select(async _ =>
        {
            int i;
            while ((i = Interlocked.Increment(ref next)) < logins)
                latencies[i] = await LoginAsync(http, "acct" + (i % Accounts), tokens[i % Accounts]).ConfigureAwait(false);
        })).ConfigureAwait(false);
        double seconds = Stopwatch.GetElapsedTime(wall).TotalSeconds;
        double hsmMs = (vault.Hsm.TotalTime - hsmBefore).TotalMilliseconds;

        Array.Sort(latencies);
        double p50 = latencies[logins / 2], p99 = latencies[Math.Min(logins - 1, (int)(logins * 0.99))];
        // Server time per login = the two round trips' latency at concurrency 1 (no queueing); at higher
        // concurrency the share is HSM time over the writer's busy time (logins x mean latency / concurrency).
        double serverMs = latencies.Average() * logins / concurrency;
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"| {kind} | {concurrency} | {logins / seconds:F0} | {p50:F2} | {p99:F2} | {hsmMs / logins:F3} | {100 * hsmMs / Math.Max(serverMs, 1e-9):F0}% |"));
    }

    internal static async Task EnrolAsync(HttpClient http, string dir, string account)
    {
        string token = VaultHost.MintToken(dir, account);
        using ClientRegistrationState state = Client.CreateRegistrationRequest(Encoding.UTF8.GetBytes(Password));
        JsonElement response = await PostAsync(http, account, token, "registration/start", new { nonce = Nonce(), registrationRequest = B64(state.Request.Serialize()) }).ConfigureAwait(false);
        using ClientRegistrationResult result = Client.FinalizeRegistrationRequest(state, Encoding.UTF8.GetBytes(Password),
            RegistrationResponse.Parse(System.Buffers.Text.Base64Url.DecodeFromChars(response.GetProperty("registrationResponse").GetString())));
        await PostAsync(http, account, token, "enrol", new
        {
            nonce = Nonce(),
            enrolmentId = response.GetProperty("enrolmentId").GetString(),
            keyStretching = new { t = 1, m = 8, p = 1 }, // recorded by the vault; this benchmark's client uses the identity KSF
            registrationRecord = B64(result.Record.Serialize()),
            wrappedKey = B64(RandomNumberGenerator.GetBytes(60)),
            managementCredential = B64(RandomNumberGenerator.GetBytes(32)),
        }).ConfigureAwait(false);
    }

    /// <summary>One full login; returns the milliseconds spent in the two HTTP round trips (client OPAQUE work excluded).</summary>
    internal static async Task<double> LoginAsync(HttpClient http, string account, string token)
    {
        using ClientLoginState state = Client.GenerateKE1(Encoding.UTF8.GetBytes(Password));
        long t0 = Stopwatch.GetTimestamp();
        JsonElement start = await PostAsync(http, account, token, "login/start", new { nonce = Nonce(), ke1 = B64(state.KE1.Serialize()) }).ConfigureAwait(false);
        double first = Stopwatch.GetElapsedTime(t0).TotalMilliseconds;
        KE2 ke2 = KE2.Parse(System.Buffers.Text.Base64Url.DecodeFromChars(start.GetProperty("ke2").GetString()));
        using ClientLoginResult result = Client.GenerateKE3(state, Encoding.UTF8.GetBytes(Password), ke2) ?? throw new InvalidOperationException("login failed");
        long t1 = Stopwatch.GetTimestamp();
        JsonElement finish = await PostAsync(http, account, token, "login/finish", new { nonce = Nonce(), sessionId = start.GetProperty("sessionId").GetString(), ke3 = B64(result.KE3.Serialize()) }).ConfigureAwait(false);
        double second = Stopwatch.GetElapsedTime(t1).TotalMilliseconds;
        if (!finish.TryGetProperty("sealedKey", out _)) throw new InvalidOperationException("no sealed key: " + finish);
        return first + second;
    }

    private static async Task<JsonElement> PostAsync(HttpClient http, string account, string token, string path, object body)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, $"v1/accounts/{account}/{path}") { Content = JsonContent.Create(body) };
        request.Headers.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", token);
        using HttpResponseMessage response = await http.SendAsync(request).ConfigureAwait(false);
        string text = await response.Content.ReadAsStringAsync().ConfigureAwait(false);
        if (!response.IsSuccessStatusCode) throw new InvalidOperationException($"{path}: {(int)response.StatusCode} {text}");
        return JsonDocument.Parse(text).RootElement.Clone();
    }

    /// <summary>The fresh request nonce every vault request carries (docs/VAULT-API.md, "Signed answers"); the vault signs over it.</summary>
    private static string Nonce() => B64(RandomNumberGenerator.GetBytes(16));

    private static string B64(ReadOnlySpan<byte> bytes) => System.Buffers.Text.Base64Url.EncodeToString(bytes);

    /// <summary>A SoftHSM2 token in a private token dir (SOFTHSM2_CONF must be set before the module loads, once per process).</summary>
    private static (string Library, string Label, string Pin) SoftHsmToken(string dir)
    {
        const string label = "lockbox-bench", pin = "4321";
        string library = Environment.GetEnvironmentVariable("LOCKBOX_TEST_PKCS11_LIBRARY") is { Length: > 0 } l ? l : "/usr/lib/softhsm/libsofthsm2.so";
        string? conf = Environment.GetEnvironmentVariable("SOFTHSM2_CONF");
        if (conf is null || !conf.Contains("lockbox-vault-bench", StringComparison.Ordinal))
        {
            string tokens = Path.Combine(dir, "tokens");
            Directory.CreateDirectory(tokens);
            conf = Path.Combine(dir, "softhsm2.conf");
            File.WriteAllText(conf, $"directories.tokendir = {tokens}\nobjectstore.backend = file\nlog.level = ERROR\n");
            _ = SetEnv("SOFTHSM2_CONF", conf, 1);
            Environment.SetEnvironmentVariable("SOFTHSM2_CONF", conf);
            var start = new ProcessStartInfo("softhsm2-util", ["--init-token", "--free", "--label", label, "--so-pin", "12345678", "--pin", pin]) { RedirectStandardOutput = true };
            start.Environment["SOFTHSM2_CONF"] = conf;
            using Process p = Process.Start(start)!;
            p.StandardOutput.ReadToEnd();
            p.WaitForExit();
            if (p.ExitCode != 0) throw new InvalidOperationException("softhsm2-util --init-token failed");
        }
        return (library, label, pin);
    }

    [LibraryImport("libc", EntryPoint = "setenv", StringMarshalling = StringMarshalling.Utf8)]
    private static partial int SetEnv(string name, string value, int overwrite);
}
