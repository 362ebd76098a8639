using System.Diagnostics;
using System.Text.Json;
using Lockbox.Cryptography;
using Lockbox.Vault.Tests.Support;

namespace Lockbox.Vault.Tests.Api;

/// <summary>
/// The vault against the real opaque-ke client (@serenity-kit/opaque through Node, default Argon2id):
/// a record registered by opaque-ke logs in, releases the key, and counts wrong guesses like any other;
/// and Lockbox's own client logs in to the record opaque-ke made.
/// </summary>
public sealed class SerenityClientTests
{
    [Fact]
    public async Task OpaqueKeClientEnrolsLogsInAndIsCountedLikeAnyOther()
    {
        await using VaultUnderTest v = await VaultUnderTest.StartAsync();
        using BackupKey k = BackupKey.Generate();
        byte[] kBytes = new byte[32];
        k.CopyTo(kBytes);
        var request = new Dictionary<string, object>
        {
            ["baseUrl"] = v.Vault.BaseAddress.ToString(),
            ["account"] = "opaque-ke-user",
            ["token"] = v.Client("opaque-ke-user").Token,
            ["password"] = "serenity password",
            ["keyHex"] = Convert.ToHexStringLower(kBytes),
            ["managementCredential"] = VaultTestClient.B64(VaultTestClient.ManagementCredential(k)),
            ["fleetKey"] = v.Vault.FleetPublicKey,
        };

        JsonElement enrol = await RunAsync(request, "enrol");
        Assert.Equal(201, enrol.GetProperty("enrolStatus").GetInt32());

        JsonElement wrong = await RunAsync(request, "login", password: "not it");
        Assert.False(wrong.GetProperty("clientAccepted").GetBoolean());
        Assert.Equal(9, wrong.GetProperty("guessesLeft").GetInt32());
        Assert.Equal(403, wrong.GetProperty("finishStatus").GetInt32());
        Assert.Equal("login_failed", wrong.GetProperty("error").GetString());

        JsonElement right = await RunAsync(request, "login");
        Assert.Equal(200, right.GetProperty("finishStatus").GetInt32());
        Assert.Equal(Convert.ToHexStringLower(kBytes), right.GetProperty("keyHex").GetString());
        Assert.Equal(10, (await v.Client("opaque-ke-user").StatusAsync()).GuessesLeft);

        // Lockbox's client (same Argon2id preset) logs in to the record opaque-ke registered.
        VaultTestClient lockbox = v.Client("opaque-ke-user");
        var client = new Lockbox.Opaque.OpaqueClient(Lockbox.Opaque.OpaqueConfiguration.Default);
        using Lockbox.Opaque.ClientLoginState state = client.GenerateKE1("serenity password"u8);
        VaultTestClient.Reply start = await lockbox.PostAsync("login/start", new { ke1 = VaultTestClient.B64(state.KE1.Serialize()) });
        using Lockbox.Opaque.ClientLoginResult? result = client.GenerateKE3(state, "serenity password"u8, Lockbox.Opaque.KE2.Parse(start.Bytes("ke2")));
        Assert.NotNull(result);
        VaultTestClient.Reply finish = await lockbox.FinishAsync(start.Body.GetProperty("sessionId").GetString()!, result.KE3.Serialize());
        Assert.Equal(kBytes, lockbox.OpenSealedKey(result, finish.Bytes("sealedKey")));
    }

    private static async Task<JsonElement> RunAsync(Dictionary<string, object> request, string op, string? password = null)
    {
        var body = new Dictionary<string, object>(request) { ["op"] = op };
        if (password is not null) body["password"] = password;
        string script = Path.Combine(AppContext.BaseDirectory, "node", "serenity-vault-client.js");
        var start = new ProcessStartInfo("node", [script]) { RedirectStandardInput = true, RedirectStandardOutput = true, RedirectStandardError = true };
        start.Environment["LOCKBOX_TEST_NODE_MODULES"] = NodeModules();
        using Process node = Process.Start(start)!;
        await node.StandardInput.WriteAsync(JsonSerializer.Serialize(body));
        node.StandardInput.Close();
        Task<string> stderr = node.StandardError.ReadToEndAsync();
        string output = await node.StandardOutput.ReadToEndAsync();
        await node.WaitForExitAsync();
        Assert.True(node.ExitCode == 0, $"node exited {node.ExitCode}: {output} {await stderr}");
        JsonElement result = JsonDocument.Parse(output).RootElement.Clone();
        if (op == "enrol" && result.TryGetProperty("error", out JsonElement e)) Assert.Fail("node: " + e.GetString());
        return result;
    }

    private static string NodeModules()
    {
        if (Environment.GetEnvironmentVariable("LOCKBOX_TEST_NODE_MODULES") is { Length: > 0 } set) return set;
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            string candidate = Path.Combine(dir.FullName, "tests", "node", "node_modules");
            if (Directory.Exists(candidate)) return candidate;
        }
        throw new InvalidOperationException("tests/node/node_modules not found: run ./test, which installs the npm peers.");
    }
}
