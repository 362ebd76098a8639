using System.Net;
using System.Net.Sockets;
using System.Text.Json;
using Lockbox.Vault.Server.Hosting;
using Lockbox.Vault.Tests.Support;

namespace Lockbox.Vault.Tests.Server;

/// <summary>
/// Issue 13: <c>vault serve</c> takes the standard .NET configuration — a JSON file, LOCKBOX_VAULT__ variables,
/// the command line, in that order of precedence — including Kestrel endpoints, log levels and the
/// OpenTelemetry service name. Real processes, real HTTP on loopback.
/// </summary>
public sealed class ConfigurationTests
{
    [Fact]
    public async Task AConfigFileAloneStartsANodeWhoseAnswersAreRight()
    {
        using var dir = new TempDir();
        string vaultDir = Path.Combine(dir.Path, "vault");
        VaultInitResult init = await VaultHost.InitAsync(new VaultInitOptions { Directory = vaultDir });
        int port = FreePort(), management = FreePort();
        string config = Path.Combine(dir.Path, "vault.json");
        File.WriteAllText(config, JsonSerializer.Serialize(new Dictionary<string, object>
        {
            ["Dir"] = vaultDir,
            ["MetricsUrls"] = $"http://127.0.0.1:{management}",
            ["ServiceName"] = "vault-eu-1",
            ["AuditLog"] = Path.Combine(dir.Path, "audit.jsonl"),
            ["Kestrel"] = new { Endpoints = new { Public = new { Url = $"http://127.0.0.1:{port}" } } },
            ["Logging"] = new { LogLevel = new { Default = "Warning" } },
        }));

        using ServeProcess node = ServeProcess.Start(null, "vault", "serve", "--config", config);
        Assert.True(await node.WaitServingAsync(TimeSpan.FromSeconds(60)), node.Stderr);
        Assert.Equal(new Uri($"http://127.0.0.1:{port}/"), node.Address); // the Kestrel endpoint, not the default 8443

        using var http = new HttpClient();
        using JsonDocument server = JsonDocument.Parse(await http.GetStringAsync($"http://127.0.0.1:{port}/v1/server"));
        Assert.Equal(init.FleetPublicKey, server.RootElement.GetProperty("fleetKey").GetString());
        Assert.Equal(10, server.RootElement.GetProperty("defaultGuessLimit").GetInt32());
        Assert.Equal(HttpStatusCode.OK, (await http.GetAsync($"http://127.0.0.1:{management}/health/ready")).StatusCode);
        string metrics = await http.GetStringAsync($"http://127.0.0.1:{management}/metrics");
        Assert.Matches("target_info\\{[^}]*service_name=\"vault-eu-1\"", metrics);
        Assert.True(File.Exists(Path.Combine(dir.Path, "audit.jsonl")));
        Assert.DoesNotContain("serving on", node.Stdout, StringComparison.Ordinal); // Logging:LogLevel:Default Warning hides the Information start line
    }

    [Fact]
    public async Task EnvironmentOverridesTheFileAndTheCommandLineOverridesBoth()
    {
        using var dir = new TempDir();
        string vaultDir = Path.Combine(dir.Path, "vault");
        await VaultHost.InitAsync(new VaultInitOptions { Directory = vaultDir });
        int management = FreePort();
        string config = Path.Combine(dir.Path, "vault.json");
        File.WriteAllText(config, JsonSerializer.Serialize(new Dictionary<string, object>
        {
            ["Dir"] = vaultDir, ["Urls"] = "http://127.0.0.1:0", ["ServiceName"] = "from-file", ["MetricsUrls"] = "http://127.0.0.1:1",
            ["Logging"] = new { LogLevel = new { Default = "Warning" } },
        }));
        var environment = new Dictionary<string, string>
        {
            ["LOCKBOX_VAULT__MetricsUrls"] = $"http://127.0.0.1:{management}",
            ["LOCKBOX_VAULT__ServiceName"] = "from-env",
            ["LOCKBOX_VAULT__Logging__LogLevel__Default"] = "Error",
        };
        using ServeProcess node = ServeProcess.Start(environment, "vault", "serve", "--config", config, "--service-name", "from-cli", "--log-level", "Information");
        Assert.True(await node.WaitServingAsync(TimeSpan.FromSeconds(60)), node.Stderr);
        Assert.Contains($"metrics on http://127.0.0.1:{management}/", node.Stderr, StringComparison.Ordinal); // env beat the file
        using var http = new HttpClient();
        string metrics = await http.GetStringAsync($"http://127.0.0.1:{management}/metrics");
        Assert.Matches("target_info\\{[^}]*service_name=\"from-cli\"", metrics); // the command line beat env and file
        for (int i = 0; i < 100 && !node.Stdout.Contains("from-cli serving on", StringComparison.Ordinal); i++) await Task.Delay(50);
        Assert.Contains("from-cli serving on", node.Stdout, StringComparison.Ordinal); // --log-level Information beat Error (env) and Warning (file)
    }

    [Fact]
    public async Task ABrokenConfigFileIsOneLineNotAStackTrace()
    {
        using var dir = new TempDir();
        string config = Path.Combine(dir.Path, "vault.json");
        File.WriteAllText(config, "{ \"Dir\": ");
        using ServeProcess node = ServeProcess.Start(null, "vault", "serve", "--config", config);
        Assert.False(await node.WaitServingAsync(TimeSpan.FromSeconds(60)));
        Assert.Equal(2, node.ExitCode);
        string error = node.Stderr.Trim();
        Assert.StartsWith($"lockbox: The configuration file {config} is not valid JSON", error, StringComparison.Ordinal);
        Assert.DoesNotContain("\n", error, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", error, StringComparison.Ordinal);
        Assert.DoesNotContain("Exception", error, StringComparison.Ordinal);
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
