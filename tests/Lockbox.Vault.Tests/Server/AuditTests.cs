using System.Net;
using System.Text;
using System.Text.Json;
using Lockbox.Cryptography;
using Lockbox.Vault.Server.Hosting;
using Lockbox.Vault.Tests.Support;

namespace Lockbox.Vault.Tests.Server;

/// <summary>
/// Issue 13: an audit trail of account operations, one line each (enrol, login start with the guess it counted,
/// login finish, change, reset, delete, lock-out, anchor) with account, outcome, guesses left, node, request id and
/// remote address, under the category Lockbox.Vault.Audit and in a 0600 file; never a token, a body field or a key.
/// </summary>
public sealed class AuditTests
{
    [Fact]
    public async Task EveryAccountOperationIsOneLineWithoutAnySecret()
    {
        using var files = new TempDir();
        string auditFile = Path.Combine(files.Path, "audit.jsonl");
        await using VaultUnderTest v = await VaultUnderTest.StartAsync(options: new VaultServerOptions
        {
            AccountRequestsPerMinute = 100_000, AddressRequestsPerMinute = 100_000, AuditLogPath = auditFile,
        });
        var sent = new Recorder();
        using var http = new HttpClient(sent) { BaseAddress = v.Vault.BaseAddress };
        var ada = new VaultTestClient(http, "ada", VaultHost.MintToken(v.Directory, "ada"), v.Vault.FleetPublicKey);
        var bob = new VaultTestClient(http, "bob", VaultHost.MintToken(v.Directory, "bob"), v.Vault.FleetPublicKey);
        using BackupKey adaKey = BackupKey.Generate(), bobKey = BackupKey.Generate();

        Assert.Equal(HttpStatusCode.Created, (await ada.EnrolAsync("right", adaKey)).Status);
        (_, VaultTestClient.Reply? wrong, _) = await ada.LoginAsync("wrong");
        Assert.Equal(HttpStatusCode.Forbidden, wrong!.Status);
        (_, VaultTestClient.Reply? right, byte[]? key) = await ada.LoginAsync("right");
        Assert.Equal(HttpStatusCode.OK, right!.Status);
        Assert.Equal(HttpStatusCode.OK, (await ada.PostAsync("anchor", new { managementCredential = VaultTestClient.B64(VaultTestClient.ManagementCredential(adaKey)), sequence = 1, hash = VaultTestClient.B64(new byte[32]) })).Status);
        Assert.Equal(HttpStatusCode.OK, (await Password(ada, "password/change", "new", adaKey)).Status);
        Assert.Equal(HttpStatusCode.OK, (await Password(ada, "password/reset", "newer", adaKey)).Status);
        Assert.Equal(HttpStatusCode.OK, (await ada.PostAsync("delete", new { managementCredential = VaultTestClient.B64(VaultTestClient.ManagementCredential(adaKey)) })).Status);
        Assert.Equal(HttpStatusCode.Created, (await bob.EnrolAsync("right", bobKey, guessLimit: 1)).Status);
        (_, VaultTestClient.Reply? last, _) = await bob.LoginAsync("wrong");
        Assert.Equal("login_failed", last!.Error);

        string[] expected =
        [
            "enrol ada ok 10", "login_start ada ok 9", "login_finish ada login_failed 9", "login_start ada ok 8", "login_finish ada ok 10",
            "anchor ada ok -", "password_change ada ok 10", "password_reset ada ok 10", "delete ada ok -",
            "enrol bob ok 1", "login_start bob ok 0", "login_finish bob login_failed 0", "lockout bob key_erased 0",
        ];
        string node = Environment.MachineName;
        string[] logged = [.. v.Logs.Lines.Where(l => l.Contains(" Lockbox.Vault.Audit: ", StringComparison.Ordinal))];
        Assert.Equal(expected.Length, logged.Length);
        for (int i = 0; i < expected.Length; i++)
        {
            string[] f = expected[i].Split(' ');
            Assert.StartsWith($"Information Lockbox.Vault.Audit: audit {f[0]} account={f[1]} outcome={f[2]} guessesLeft={f[3]} node={node} request=", logged[i], StringComparison.Ordinal);
            Assert.Contains(" remote=127.0.0.1 ", logged[i], StringComparison.Ordinal);
        }

        string[] lines = File.ReadAllLines(auditFile);
        Assert.Equal(expected.Length, lines.Length);
        for (int i = 0; i < expected.Length; i++)
        {
            string[] f = expected[i].Split(' ');
            using JsonDocument line = JsonDocument.Parse(lines[i]);
            JsonElement e = line.RootElement;
            Assert.Equal(["time", "operation", "account", "outcome", "guessesLeft", "node", "requestId", "remote"], e.EnumerateObject().Select(p => p.Name));
            Assert.Equal(f[0], e.GetProperty("operation").GetString());
            Assert.Equal(f[1], e.GetProperty("account").GetString());
            Assert.Equal(f[2], e.GetProperty("outcome").GetString());
            Assert.Equal(f[3], e.GetProperty("guessesLeft").ValueKind == JsonValueKind.Null ? "-" : e.GetProperty("guessesLeft").GetInt32().ToString(System.Globalization.CultureInfo.InvariantCulture));
            Assert.Equal(node, e.GetProperty("node").GetString());
            Assert.Equal("127.0.0.1", e.GetProperty("remote").GetString());
            Assert.NotEqual("-", e.GetProperty("requestId").GetString());
            Assert.Contains(e.GetProperty("requestId").GetString()!, logged[i], StringComparison.Ordinal);
        }
        if (!OperatingSystem.IsWindows()) Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(auditFile));

        // No secret anywhere in the trail: not the tokens, not any field of any request body, not the backup keys.
        string trail = string.Join('\n', logged) + "\n" + string.Join('\n', lines);
        Assert.True(sent.Fields.Count > 30);
        foreach (string secret in sent.Fields.Concat([ada.Token, bob.Token, Convert.ToBase64String(key!), VaultTestClient.B64(key!), Convert.ToHexString(key!)]))
            Assert.DoesNotContain(secret, trail, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public async Task AKeyErasedBecauseItsLastPendingLoginExpiredIsOnTheTrail()
    {
        // No request erases this key: the guess limit is spent by a login that is started and never finished, and the
        // node's own expiry tick erases the key when that login expires. The trail must still say so, once.
        using var files = new TempDir();
        string auditFile = Path.Combine(files.Path, "audit.jsonl");
        var time = new ManualTime();
        await using VaultUnderTest v = await VaultUnderTest.StartAsync(options: new VaultServerOptions { Time = time, AuditLogPath = auditFile });
        using BackupKey k = BackupKey.Generate();
        VaultTestClient ed = v.Client("ed");
        Assert.Equal(HttpStatusCode.Created, (await ed.EnrolAsync("pw", k, guessLimit: 1)).Status);
        await ed.StartLoginAsync("wrong");
        time.Advance(TimeSpan.FromMinutes(10));

        string[] Operations() => [.. File.ReadAllLines(auditFile).Select(l =>
        {
            using JsonDocument d = JsonDocument.Parse(l);
            JsonElement e = d.RootElement;
            return $"{e.GetProperty("operation").GetString()} {e.GetProperty("account").GetString()} {e.GetProperty("outcome").GetString()} {e.GetProperty("requestId").GetString() == "-"}";
        })];
        for (int i = 0; i < 300 && Operations().Length < 3; i++) await Task.Delay(100);
        Assert.Equal(["enrol ed ok False", "login_start ed ok False", "lockout ed key_erased_on_expiry True"], Operations());
        Assert.True((await ed.StatusAsync()).Body.GetProperty("erased").GetBoolean());
        Assert.Single(v.Logs.Lines, l => l.Contains("audit lockout account=ed outcome=key_erased_on_expiry guessesLeft=0", StringComparison.Ordinal));
    }

    [Fact]
    public async Task TheAuditFileIsAppendedToAcrossRestarts()
    {
        using var files = new TempDir();
        string auditFile = Path.Combine(files.Path, "audit.jsonl");
        File.WriteAllText(auditFile, "{\"earlier\":true}\n");
        await using VaultUnderTest v = await VaultUnderTest.StartAsync(options: new VaultServerOptions { AuditLogPath = auditFile });
        using BackupKey k = BackupKey.Generate();
        await v.Client("cy").EnrolAsync("pw", k);
        await v.RestartAsync();
        await v.Client("cy").LoginAsync("pw");
        string[] lines = File.ReadAllLines(auditFile);
        Assert.Equal(["{\"earlier\":true}", "enrol", "login_start", "login_finish"], lines.Select(l => l.StartsWith("{\"time\"", StringComparison.Ordinal) ? JsonDocument.Parse(l).RootElement.GetProperty("operation").GetString() : l));
    }

    private static async Task<VaultTestClient.Reply> Password(VaultTestClient client, string path, string password, BackupKey key)
    {
        (byte[] record, byte[] wrapped, _) = await client.RegisterAsync(password, key);
        return await client.PostAsync(path, new
        {
            managementCredential = VaultTestClient.B64(VaultTestClient.ManagementCredential(key)),
            registrationRecord = VaultTestClient.B64(record),
            wrappedKey = VaultTestClient.B64(wrapped),
            enrolmentId = client.EnrolmentId,
            keyStretching = VaultTestClient.Ksf,
        });
    }

    /// <summary>Keeps every string field (of 8 characters or more) of every JSON body the client sent.</summary>
    private sealed class Recorder() : DelegatingHandler(new HttpClientHandler())
    {
        public List<string> Fields { get; } = [];

        protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            if (request.Content is not null)
            {
                string body = await request.Content.ReadAsStringAsync(cancellationToken);
                using JsonDocument json = JsonDocument.Parse(body);
                foreach (JsonProperty p in json.RootElement.EnumerateObject())
                    if (p.Value.ValueKind == JsonValueKind.String && p.Value.GetString() is { Length: >= 8 } text) lock (Fields) Fields.Add(text);
            }
            return await base.SendAsync(request, cancellationToken);
        }
    }
}
