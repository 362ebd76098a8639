using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using Lockbox.Cryptography;
using Lockbox.Vault.Server.Hosting;
using Lockbox.Vault.Tests.Support;

namespace Lockbox.Vault.Tests.Server;

/// <summary>
/// Issue 9, finding 12: metrics only on the management address, rate limits keyed on the real client behind
/// a configured proxy (and only then), the rate-limiting metrics the API document lists actually published,
/// errors as RFC 9457 problem details that keep the version-1 members, and the body size limit enforced by the server.
/// </summary>
public sealed class OperationsTests
{
    [Fact]
    public async Task MetricsAreServedOnTheManagementAddressOnlyAndNotAtAllByDefault()
    {
        await using VaultUnderTest v = await VaultUnderTest.StartAsync();
        VaultTestClient ada = v.Client("ada");
        Assert.NotNull(v.Vault.MetricsAddress);
        Assert.NotEqual(v.Vault.BaseAddress.Port, v.Vault.MetricsAddress!.Port);
        Assert.Equal(401, (await RawHttp.SendAsync(v.Vault.BaseAddress, "GET", "/metrics")).Status);
        Assert.Equal(404, (await RawHttp.SendAsync(v.Vault.BaseAddress, "GET", "/metrics", ada.Token)).Status);
        string scraped = await Scrape(v, "lockbox_vault_");
        Assert.Contains("# TYPE", scraped, StringComparison.Ordinal);

        // Without --metrics-urls nothing serves metrics.
        using var dir = new TempDir();
        string vaultDir = Path.Combine(dir.Path, "vault");
        await VaultHost.InitAsync(new VaultInitOptions { Directory = vaultDir });
        await using RunningVault bare = await VaultHost.StartAsync(vaultDir, "http://127.0.0.1:0", new VaultServerOptions { ConfigureLogging = _ => { } });
        Assert.Null(bare.MetricsAddress);
        Assert.Equal(404, (await RawHttp.SendAsync(bare.BaseAddress, "GET", "/metrics", VaultHost.MintToken(vaultDir, "ada"))).Status);
    }

    [Fact]
    public async Task RateLimitingIsPublishedAsTheDocumentedMetrics()
    {
        await using VaultUnderTest v = await VaultUnderTest.StartAsync(options: new VaultServerOptions { AccountRequestsPerMinute = 2, AddressRequestsPerMinute = 1000 });
        VaultTestClient ann = v.Client("ann");
        for (int i = 0; i < 2; i++) Assert.Equal(HttpStatusCode.NotFound, (await ann.StatusAsync()).Status);
        Assert.Equal((HttpStatusCode)429, (await ann.StatusAsync()).Status);

        string metrics = await Scrape(v, "global_limiter");
        Assert.Matches("aspnetcore_rate_limiting_requests_total\\{[^}]*aspnetcore_rate_limiting_result=\"global_limiter\"[^}]*\\} 1", metrics);
        Assert.Matches("aspnetcore_rate_limiting_requests_total\\{[^}]*aspnetcore_rate_limiting_result=\"acquired\"[^}]*\\} [1-9]", metrics);
        Assert.Matches("lockbox_vault_requests_rejected_total\\{[^}]*reason=\"rate_limited\"[^}]*\\} 1", metrics);
        Assert.Contains("aspnetcore_rate_limiting_active_request_leases", metrics, StringComparison.Ordinal);
        Assert.DoesNotContain("ann", metrics.Replace("annotation", "", StringComparison.Ordinal), StringComparison.Ordinal);
    }

    [Fact]
    public async Task TheAccountLimitIsSpentByTheAuthenticatedAccountNotByThePathItNames()
    {
        await using VaultUnderTest v = await VaultUnderTest.StartAsync(options: new VaultServerOptions { AccountRequestsPerMinute = 2, AddressRequestsPerMinute = 1000 });
        VaultTestClient alice = v.Client("alice"), bob = v.Client("bob");
        // bob aims at alice's endpoint: refused (403), and it is bob's budget that runs out.
        Assert.Equal(403, (await RawHttp.SendAsync(v.Vault.BaseAddress, "POST", "/v1/accounts/alice/status", bob.Token, "{}")).Status);
        Assert.Equal(403, (await RawHttp.SendAsync(v.Vault.BaseAddress, "POST", "/v1/accounts/alice/status", bob.Token, "{}")).Status);
        Assert.Equal(429, (await RawHttp.SendAsync(v.Vault.BaseAddress, "POST", "/v1/accounts/alice/status", bob.Token, "{}")).Status);
        Assert.Equal((HttpStatusCode)429, (await bob.StatusAsync()).Status);
        Assert.Equal(HttpStatusCode.NotFound, (await alice.StatusAsync()).Status); // alice's budget is untouched
    }

    [Fact]
    public async Task BehindAConfiguredProxyTheAddressLimitKeysOnTheForwardedClient()
    {
        await using VaultUnderTest v = await VaultUnderTest.StartAsync(options: new VaultServerOptions
        {
            AddressRequestsPerMinute = 2, AccountRequestsPerMinute = 1000, KnownProxies = ["127.0.0.1"],
        });
        Assert.Equal(200, (await Health(v, "203.0.113.7")).Status);
        Assert.Equal(200, (await Health(v, "203.0.113.7")).Status);
        RawHttp.Response limited = await Health(v, "203.0.113.7");
        Assert.Equal(429, limited.Status);
        Assert.Contains("\"error\":\"rate_limited\"", limited.Body, StringComparison.Ordinal);
        Assert.Equal(200, (await Health(v, "203.0.113.8")).Status); // another client behind the same proxy
    }

    [Theory]
    [InlineData(null)]         // no proxy configured: the header is ignored
    [InlineData("10.9.9.9")]   // a proxy is configured, but the request does not come from it
    public async Task WithoutATrustedProxyForwardedHeadersAreIgnored(string? proxy)
    {
        await using VaultUnderTest v = await VaultUnderTest.StartAsync(options: new VaultServerOptions
        {
            AddressRequestsPerMinute = 2, AccountRequestsPerMinute = 1000, KnownProxies = proxy is null ? [] : [proxy],
        });
        Assert.Equal(200, (await Health(v, "203.0.113.7")).Status);
        Assert.Equal(200, (await Health(v, "203.0.113.8")).Status);
        Assert.Equal(429, (await Health(v, "203.0.113.9")).Status); // all three are 127.0.0.1 to the vault
    }

    [Fact]
    public async Task ErrorsAreProblemDetailsThatKeepTheVersionOneMembers()
    {
        await using VaultUnderTest v = await VaultUnderTest.StartAsync();
        VaultTestClient bea = v.Client("bea");
        using BackupKey k = BackupKey.Generate();
        await bea.EnrolAsync("right", k);

        using var request = new HttpRequestMessage(HttpMethod.Get, "v1/accounts/bea/status");
        using HttpResponseMessage unauthorized = await v.Http.SendAsync(request);
        Assert.Equal(HttpStatusCode.Unauthorized, unauthorized.StatusCode);
        Assert.Equal("application/problem+json", unauthorized.Content.Headers.ContentType?.MediaType);
        using (JsonDocument problem = JsonDocument.Parse(await unauthorized.Content.ReadAsStringAsync()))
        {
            JsonElement p = problem.RootElement;
            Assert.Equal(401, p.GetProperty("status").GetInt32());
            Assert.Equal("urn:lockbox:vault:error:unauthorized", p.GetProperty("type").GetString());
            Assert.Equal("unauthorized", p.GetProperty("error").GetString());
            Assert.Equal(p.GetProperty("detail").GetString(), p.GetProperty("message").GetString());
            Assert.False(p.TryGetProperty("guessesLeft", out _));
        }

        (VaultTestClient.Reply _, VaultTestClient.Reply? wrong, _) = await bea.LoginAsync("wrong");
        Assert.Equal(HttpStatusCode.Forbidden, wrong!.Status);
        Assert.Equal("login_failed", wrong.Error);
        Assert.Equal(9, wrong.GuessesLeft);
        Assert.False(wrong.Body.GetProperty("locked").GetBoolean());
        Assert.Equal(403, wrong.Body.GetProperty("status").GetInt32());
        Assert.Equal("Wrong password (9 guesses left).", wrong.Body.GetProperty("detail").GetString());
    }

    [Fact]
    public async Task TheServerStopsReadingABodyPastSixteenKibEvenWithoutContentLength()
    {
        await using VaultUnderTest v = await VaultUnderTest.StartAsync();
        VaultTestClient cy = v.Client("cy");
        long seq = v.Vault.Node.LastSeq;
        string big = "{\"ke1\":\"" + new string('A', 20_000) + "\"}";

        using var chunked = new StreamContent(new MemoryStream(Encoding.UTF8.GetBytes(big)));
        chunked.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        using var request = new HttpRequestMessage(HttpMethod.Post, "v1/accounts/cy/login/start") { Content = chunked };
        request.Headers.TransferEncodingChunked = true;
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", cy.Token);
        using HttpResponseMessage response = await v.Http.SendAsync(request);
        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, response.StatusCode);
        Assert.Contains("\"error\":\"body_too_large\"", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);

        RawHttp.Response declared = await RawHttp.SendAsync(v.Vault.BaseAddress, "POST", "/v1/accounts/cy/login/start", cy.Token, big);
        Assert.Equal(413, declared.Status);
        Assert.Equal(seq, v.Vault.Node.LastSeq);
    }

    private static Task<RawHttp.Response> Health(VaultUnderTest v, string forwardedFor) =>
        RawHttp.SendAsync(v.Vault.BaseAddress, "GET", "/health", extraHeaders: ["X-Forwarded-For: " + forwardedFor]);

    /// <summary>Scrapes the management address until <paramref name="expect"/> shows (the exporter collects on scrape).</summary>
    private static async Task<string> Scrape(VaultUnderTest v, string expect)
    {
        using var http = new HttpClient { BaseAddress = v.Vault.MetricsAddress };
        string text = "";
        for (int i = 0; i < 50; i++)
        {
            text = await http.GetStringAsync("metrics");
            if (text.Contains(expect, StringComparison.Ordinal)) break;
            await Task.Delay(100);
        }
        return text;
    }
}
