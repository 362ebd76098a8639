using System.Net;
using System.Net.Http.Headers;
using System.Security.Cryptography;
using System.Text;
using Lockbox.Cryptography;
using Lockbox.Vault.Server.Hosting;
using Lockbox.Vault.Tests.Support;

namespace Lockbox.Vault.Tests.Api;

/// <summary>Malformed, oversized, unauthenticated or misdirected requests: a 4xx with a clear JSON error, and no state change.</summary>
public sealed class BadInputTests
{
    private const string Password = "pa55word";

    [Fact]
    public async Task MalformedBodiesGetClearErrorsAndChangeNothing()
    {
        await using VaultUnderTest v = await VaultUnderTest.StartAsync();
        VaultTestClient zoe = v.Client("zoe");
        using BackupKey k = BackupKey.Generate();
        await zoe.EnrolAsync(Password, k);
        await zoe.LoginAsync("wrong");
        long seq = v.Vault.Node.LastSeq;
        byte[] state = (await v.Vault.Node.ReadStateAsync()).Serialize();
        string ke1 = VaultTestClient.B64(VaultTestClient.Opaque.GenerateKE1("x"u8).KE1.Serialize());

        (string Path, object Body, string Error)[] cases =
        [
            ("login/start", new { ke1 = ke1 + "==" }, "invalid_field"),
            ("login/start", new { ke1 = ke1.Replace('A', '*') + "*" }, "invalid_base64url"),
            ("login/start", new { ke1 = ke1[..^4] }, "invalid_length"),
            ("login/start", new { ke1 = VaultTestClient.B64(new byte[97]) }, "invalid_length"),
            ("login/start", new { other = 1 }, "missing_field"),
            ("login/start", new { ke1 = VaultTestClient.B64(new byte[96]) }, "invalid_message"), // identity elements, not a valid KE1
            ("login/finish", new { sessionId = "abc", ke3 = VaultTestClient.B64(new byte[64]) }, "invalid_length"),
            ("login/finish", new { sessionId = VaultTestClient.B64(new byte[16]), ke3 = VaultTestClient.B64(new byte[63]) }, "invalid_length"),
            ("enrol", new { registrationRecord = VaultTestClient.B64(new byte[192]), wrappedKey = VaultTestClient.B64(new byte[60]), managementCredential = VaultTestClient.B64(new byte[32]) }, "invalid_message"),
            ("enrol", new { registrationRecord = VaultTestClient.B64(new byte[191]) }, "invalid_length"),
            ("registration/start", new { registrationRequest = VaultTestClient.B64(new byte[31]) }, "invalid_length"),
            ("registration/start", new { registrationRequest = VaultTestClient.B64(new byte[32]) }, "invalid_message"),
            ("password/reset", new { managementCredential = "!!" }, "invalid_base64url"),
            ("delete", new { managementCredential = VaultTestClient.B64(new byte[31]) }, "invalid_length"),
            ("enrol", new { registrationRecord = VaultTestClient.B64(new byte[192]), wrappedKey = VaultTestClient.B64(new byte[60]), managementCredential = VaultTestClient.B64(new byte[32]), enrolmentId = VaultTestClient.B64(new byte[15]) }, "invalid_length"),
            ("enrol", new { registrationRecord = VaultTestClient.B64(new byte[192]), wrappedKey = VaultTestClient.B64(new byte[60]), managementCredential = VaultTestClient.B64(new byte[32]), keyStretching = new { t = 0, m = 64, p = 1 } }, "invalid_field"),
            ("password/change", new { managementCredential = VaultTestClient.B64(new byte[32]), registrationRecord = VaultTestClient.B64(new byte[192]), wrappedKey = VaultTestClient.B64(new byte[60]), keyStretching = new { t = 1, m = 64 } }, "invalid_field"),
        ];
        foreach ((string path, object body, string error) in cases)
        {
            VaultTestClient.Reply reply = await zoe.PostAsync(path, body);
            Assert.True(reply.Status == HttpStatusCode.BadRequest, $"{path} {body}: {reply.Status} {reply.Body}");
            Assert.Equal(error, reply.Error);
            Assert.False(string.IsNullOrWhiteSpace(reply.Body.GetProperty("message").GetString()));
        }

        VaultTestClient.Reply notJson = await zoe.SendAsync(HttpMethod.Post, "login/start", new StringContent("ke1=abc", Encoding.UTF8, "text/plain"), zoe.Token);
        Assert.Equal(HttpStatusCode.UnsupportedMediaType, notJson.Status);
        VaultTestClient.Reply broken = await zoe.SendAsync(HttpMethod.Post, "login/start", new StringContent("{\"ke1\": ", Encoding.UTF8, "application/json"), zoe.Token);
        Assert.Equal("malformed_json", broken.Error);
        VaultTestClient.Reply huge = await zoe.SendAsync(HttpMethod.Post, "login/start", new StringContent("{\"ke1\":\"" + new string('A', 70_000) + "\"}", Encoding.UTF8, "application/json"), zoe.Token);
        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, huge.Status);
        Assert.Equal("body_too_large", huge.Error);

        Assert.Equal(seq, v.Vault.Node.LastSeq);
        Assert.Equal(state, (await v.Vault.Node.ReadStateAsync()).Serialize());
        Assert.Equal(9, (await zoe.StatusAsync()).GuessesLeft);
    }

    [Fact]
    public async Task MissingForgedExpiredOrForeignCredentialsAreRefused()
    {
        await using VaultUnderTest v = await VaultUnderTest.StartAsync();
        VaultTestClient amy = v.Client("amy");
        using BackupKey k = BackupKey.Generate();
        await amy.EnrolAsync(Password, k);
        long seq = v.Vault.Node.LastSeq;
        string ke1 = VaultTestClient.B64(VaultTestClient.Opaque.GenerateKE1("x"u8).KE1.Serialize());
        object body = new { ke1 };

        VaultTestClient.Reply missing = await amy.SendAsync(HttpMethod.Post, "login/start", System.Net.Http.Json.JsonContent.Create(body), bearer: null);
        Assert.Equal(HttpStatusCode.Unauthorized, missing.Status);
        Assert.Equal("unauthorized", missing.Error);

        string token = amy.Token;
        foreach (char c in "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_!=".Where(c => c != token[^1]))
            Assert.Equal(HttpStatusCode.Unauthorized, (await amy.PostAsync("login/start", body, token[..^1] + c)).Status);
        Assert.Equal(HttpStatusCode.Unauthorized, (await amy.PostAsync("login/start", body, token.Replace("v1.", "v1.x", StringComparison.Ordinal))).Status);
        Assert.Equal(HttpStatusCode.Unauthorized, (await amy.PostAsync("login/start", body, "v1.garbage")).Status);
        string otherVaultToken = new Lockbox.Vault.Server.Auth.HmacTokenValidator(RandomNumberGenerator.GetBytes(32)).Mint("amy", DateTimeOffset.UtcNow.AddHours(1));
        Assert.Equal(HttpStatusCode.Unauthorized, (await amy.PostAsync("login/start", body, otherVaultToken)).Status);
        string expired = VaultHost.MintToken(v.Directory, "amy", TimeSpan.FromSeconds(-5));
        Assert.Equal(HttpStatusCode.Unauthorized, (await amy.PostAsync("login/start", body, expired)).Status);

        VaultTestClient.Reply foreign = await amy.PostAsync("login/start", body, VaultHost.MintToken(v.Directory, "mallory"));
        Assert.Equal(HttpStatusCode.Forbidden, foreign.Status);
        Assert.Equal("account_mismatch", foreign.Error);

        using var badId = new HttpRequestMessage(HttpMethod.Post, "v1/accounts/bad%20id!/status") { Content = new StringContent("{}", System.Text.Encoding.UTF8, "application/json") };
        badId.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        using HttpResponseMessage badIdResponse = await v.Http.SendAsync(badId);
        Assert.Equal(HttpStatusCode.BadRequest, badIdResponse.StatusCode);
        Assert.Contains("invalid_account_id", await badIdResponse.Content.ReadAsStringAsync(), StringComparison.Ordinal);

        Assert.Equal(seq, v.Vault.Node.LastSeq);
        Assert.Equal(10, (await amy.StatusAsync()).GuessesLeft);
    }

    [Fact]
    public async Task PerAccountRateLimitAnswers429WithRetryAfter()
    {
        await using VaultUnderTest v = await VaultUnderTest.StartAsync(options: new VaultServerOptions { AccountRequestsPerMinute = 3, AddressRequestsPerMinute = 1000 });
        VaultTestClient ann = v.Client("ann"), ben = v.Client("ben");
        for (int i = 0; i < 3; i++) Assert.Equal(HttpStatusCode.NotFound, (await ann.StatusAsync()).Status);
        VaultTestClient.Reply limited = await ann.StatusAsync();
        Assert.Equal((HttpStatusCode)429, limited.Status);
        Assert.Equal("rate_limited", limited.Error);
        Assert.Equal(HttpStatusCode.NotFound, (await ben.StatusAsync()).Status); // another account is not affected
    }

    [Fact]
    public async Task HealthServerInfoAndPrometheusMetricsAreServed()
    {
        await using VaultUnderTest v = await VaultUnderTest.StartAsync();
        VaultTestClient ada = v.Client("qz7-metrics-account");
        using BackupKey k = BackupKey.Generate();
        await ada.EnrolAsync(Password, k);
        await ada.LoginAsync(Password);

        Assert.Contains("\"ok\"", await v.Http.GetStringAsync("health"), StringComparison.Ordinal);
        string info = await v.Http.GetStringAsync("v1/server");
        Assert.Contains(v.Vault.FleetPublicKey, info, StringComparison.Ordinal);
        Assert.Equal(v.Vault.FleetPublicKey, VaultHost.ReadFleetPublicKey(v.Directory));

        string metrics = "";
        for (int i = 0; i < 50 && !metrics.Contains("lockbox_vault_commands", StringComparison.Ordinal); i++)
        {
            metrics = await v.Http.GetStringAsync(new Uri(v.Vault.MetricsAddress!, "metrics"));
            if (!metrics.Contains("lockbox_vault_commands", StringComparison.Ordinal)) await Task.Delay(100);
        }
        Assert.Contains("lockbox_vault_commands", metrics, StringComparison.Ordinal);
        Assert.Contains("lockbox_vault_hsm_seconds", metrics, StringComparison.Ordinal);
        Assert.DoesNotContain("qz7-metrics-account", metrics, StringComparison.Ordinal);
    }
}
