using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text.Json;
using System.Text.RegularExpressions;
using Lockbox.Vault.Server.Hosting;
using Lockbox.Vault.Tests.Support;

namespace Lockbox.Vault.Tests.Server;

/// <summary>
/// Issue 13: the deployment files in deploy/ are tested to start. The systemd unit's ExecStart line runs (its
/// paths substituted for this machine) with the shipped vault.json, over HTTPS from the Kestrel section, until
/// /health/ready answers 200; the Containerfile's ENTRYPOINT is the same command; systemd-analyze accepts the unit.
/// </summary>
public sealed partial class DeployTests
{
    private const string Binary = "/usr/lib/lockbox/lockbox";
    private const string ConfigPath = "/etc/lockbox/vault.json";

    [Fact]
    public void TheContainerEntrypointIsTheUnitsExecStart()
    {
        string[] entrypoint = JsonSerializer.Deserialize<string[]>(Entrypoint().Match(File.ReadAllText(Deploy("Containerfile"))).Groups["json"].Value)!;
        Assert.Equal(ExecStart(), entrypoint);
        Assert.Equal([Binary, "vault", "serve", "--config", ConfigPath], entrypoint);
    }

    [Fact]
    public async Task TheUnitsExecStartWithTheShippedConfigServesAndBecomesReady()
    {
        using var dir = new TempDir();
        string lib = Path.Combine(dir.Path, "lib"), log = Path.Combine(dir.Path, "log"), tls = Path.Combine(dir.Path, "tls");
        Directory.CreateDirectory(log);
        VaultInitResult init = await VaultHost.InitAsync(new VaultInitOptions { Directory = Path.Combine(lib, "vault") });
        (string cert, string key) = VaultTls.CreateDevCertificate(Path.Combine(lib, "vault"));
        int port = FreePort(), management = FreePort();
        string config = File.ReadAllText(Deploy("vault.json"))
            .Replace("/var/lib/lockbox-vault", lib, StringComparison.Ordinal)
            .Replace("/var/log/lockbox-vault", log, StringComparison.Ordinal)
            .Replace("/etc/lockbox/tls/vault.crt.pem", cert, StringComparison.Ordinal)
            .Replace("/etc/lockbox/tls/vault.key.pem", key, StringComparison.Ordinal)
            .Replace("https://0.0.0.0:8443", $"https://127.0.0.1:{port}", StringComparison.Ordinal)
            .Replace("http://127.0.0.1:9464", $"http://127.0.0.1:{management}", StringComparison.Ordinal);
        string configFile = Path.Combine(dir.Path, "vault.json");
        File.WriteAllText(configFile, config);

        string[] command = ExecStart();
        Assert.Equal(Binary, command[0]);
        string[] args = [.. command.Skip(1).Select(a => a == ConfigPath ? configFile : a)];
        using ServeProcess node = ServeProcess.Start(null, args);
        Assert.True(await node.WaitServingAsync(TimeSpan.FromSeconds(60)), node.Stderr);
        Assert.Equal(new Uri($"https://127.0.0.1:{port}/"), node.Address);

        using var management_ = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{management}/") };
        HttpStatusCode ready = 0;
        for (int i = 0; i < 100 && ready != HttpStatusCode.OK; i++)
        {
            ready = (await management_.GetAsync("health/ready")).StatusCode;
            if (ready != HttpStatusCode.OK) await Task.Delay(100);
        }
        Assert.Equal(HttpStatusCode.OK, ready);
        using var https = new HttpClient(VaultUnderTest.TrustingOnly(cert)) { BaseAddress = node.Address };
        using JsonDocument server = JsonDocument.Parse(await https.GetStringAsync("v1/server"));
        Assert.Equal(init.FleetPublicKey, server.RootElement.GetProperty("fleetKey").GetString());
    }

    [Fact]
    public void SystemdAcceptsTheUnit()
    {
        string? analyze = new[] { "/usr/bin/systemd-analyze", "/bin/systemd-analyze" }.FirstOrDefault(File.Exists);
        if (analyze is null) return; // not a systemd machine: the ExecStart test above still runs the command
        using var dir = new TempDir();
        string dotnet = Environment.ProcessPath is { } p && Path.GetFileNameWithoutExtension(p) == "dotnet" ? p : "/usr/bin/dotnet";
        string unit = Path.Combine(dir.Path, "lockbox-vault.service");
        // verify checks that the binary exists: point it at this build's CLI.
        File.WriteAllText(unit, File.ReadAllText(Deploy("lockbox-vault.service"))
            .Replace(Binary, dotnet + " " + Path.Combine(AppContext.BaseDirectory, "lockbox.dll"), StringComparison.Ordinal));
        var start = new ProcessStartInfo(analyze) { RedirectStandardError = true, RedirectStandardOutput = true, UseShellExecute = false };
        start.ArgumentList.Add("verify");
        start.ArgumentList.Add(unit);
        using Process verify = Process.Start(start)!;
        string errors = verify.StandardError.ReadToEnd() + verify.StandardOutput.ReadToEnd();
        verify.WaitForExit();
        Assert.True(verify.ExitCode == 0, errors);
        Assert.DoesNotContain("lockbox-vault.service", errors, StringComparison.Ordinal); // no warning about the unit either
    }

    private static string[] ExecStart()
    {
        string line = File.ReadAllLines(Deploy("lockbox-vault.service")).Single(l => l.StartsWith("ExecStart=", StringComparison.Ordinal));
        return line["ExecStart=".Length..].Split(' ', StringSplitOptions.RemoveEmptyEntries);
    }

    private static string Deploy(string name)
    {
        for (DirectoryInfo? d = new(AppContext.BaseDirectory); d is not null; d = d.Parent)
            if (File.Exists(Path.Combine(d.FullName, "deploy", name))) return Path.Combine(d.FullName, "deploy", name);
        throw new FileNotFoundException("deploy/" + name + " not found above " + AppContext.BaseDirectory);
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    [GeneratedRegex(@"^ENTRYPOINT (?<json>\[.*\])\s*$", RegexOptions.Multiline)]
    private static partial Regex Entrypoint();
}
