using System.Buffers.Text;
using System.Diagnostics;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Lockbox.Opaque.Tests.Interop;

/// <summary>
/// Runs @serenity-kit/opaque 1.1.0 (opaque-ke through WASM) in Node, one request per process, through
/// node/serenity-peer.js. Node modules come from LOCKBOX_TEST_NODE_MODULES (set by ./test), else
/// tests/node/node_modules; if they are missing the test fails and says to run ./test.
/// </summary>
internal static class SerenityPeer
{
    public static string NodeModules
    {
        get
        {
            string? fromEnv = Environment.GetEnvironmentVariable("LOCKBOX_TEST_NODE_MODULES");
            string modules = !string.IsNullOrEmpty(fromEnv)
                ? fromEnv
                : Path.Combine(Fixtures.RepositoryRoot(), "tests", "node", "node_modules");
            if (!Directory.Exists(Path.Combine(modules, "@serenity-kit", "opaque")))
                throw new InvalidOperationException($"@serenity-kit/opaque is not installed under {modules}: run ./test (it runs npm ci in tests/node).");
            return modules;
        }
    }

    /// <summary>Sends one request; returns the reply (its "ok" says whether serenity accepted it).</summary>
    public static JsonObject Call(JsonObject request)
    {
        string script = Path.Combine(AppContext.BaseDirectory, "node", "serenity-peer.js");
        var info = new ProcessStartInfo("node", [script])
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        info.Environment["LOCKBOX_TEST_NODE_MODULES"] = NodeModules;
        using Process process = Process.Start(info) ?? throw new InvalidOperationException("node did not start.");
        process.StandardInput.Write(request.ToJsonString());
        process.StandardInput.Close();
        Task<string> stderr = process.StandardError.ReadToEndAsync();
        string stdout = process.StandardOutput.ReadToEnd();
        process.WaitForExit();
        string line = stdout.Trim();
        if (line.Length == 0)
            throw new InvalidOperationException($"serenity-peer.js printed nothing (exit {process.ExitCode}): {stderr.Result}");
        return JsonNode.Parse(line)!.AsObject();
    }

    /// <summary>Like <see cref="Call"/>, but asserts serenity accepted the request.</summary>
    public static JsonObject CallOk(JsonObject request)
    {
        JsonObject reply = Call(request);
        Assert.True(reply["ok"]!.GetValue<bool>(), $"serenity rejected {request["op"]}: {reply["error"]}");
        return reply;
    }

    public static string B64(ReadOnlySpan<byte> bytes) => Base64Url.EncodeToString(bytes);

    public static byte[] Bytes(JsonObject reply, string field) =>
        Base64Url.DecodeFromChars(reply[field]!.GetValue<string>());

    public static string Str(JsonObject reply, string field) => reply[field]!.GetValue<string>();
}
