using System.Security.Cryptography;
using Lockbox.Cryptography;
using Lockbox.Opaque;
using Lockbox.Vault.Server.Auth;
using Lockbox.Vault.Server.Hosting;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Lockbox.Vault.Tests.Support;

namespace Lockbox.Vault.Tests.Server;

/// <summary>
/// Issue 9, finding 1: authentication on the matched route. Every account endpoint, reached through every
/// spelling of its path an attacker can try, with no credential, a forged one or another account's, is
/// refused before its handler runs: no command logged, no HSM call, the account's status and guesses unchanged.
/// </summary>
public sealed class AttackPathTests
{
    private const string Password = "alice's real password";

    /// <summary>(method, endpoint) of every account endpoint, plus POST status (the protocol's next version).</summary>
    private static readonly (string Method, string Endpoint)[] Endpoints =
    [
        ("POST", "registration/start"), ("POST", "enrol"), ("POST", "login/start"), ("POST", "login/finish"),
        ("POST", "password/change"), ("POST", "password/reset"), ("POST", "delete"), ("GET", "status"), ("POST", "status"),
    ];

    /// <summary>Ways to spell /v1/accounts/alice/{endpoint}; {e} is the endpoint, {E} it in upper case.</summary>
    private static readonly string[] Spellings =
    [
        "/v1/accounts/alice/{e}",
        "/V1/accounts/alice/{e}",
        "/V1/ACCOUNTS/alice/{E}",
        "/v1//accounts/alice/{e}",
        "/v1/./accounts/alice/{e}",
        "/v1/accounts/./alice/{e}",
        "/v1/x/../accounts/alice/{e}",
        "/v1/accounts%2Falice/{e}",
        "/v1%2Faccounts%2Falice%2F{e}",
        "/v1/accounts/al%2Fice/{e}",
        "/v1/accounts/%2561lice/{e}",
        "/v1/accounts/%61lice/{e}",
        "/v1/accounts/alice%00/{e}",
        "/v1/accounts/ALICE/{e}",
        "/v1/accounts/alice/{e}/",
        "/v1/accounts//alice/{e}",
        "/v1/accounts/alice//{e}",
        "//v1/accounts/alice/{e}",
    ];

    [Fact]
    public async Task NoSpellingOfAnyAccountPathReachesAHandlerWithoutThatAccountsCredential()
    {
        await using VaultUnderTest v = await VaultUnderTest.StartAsync();
        VaultTestClient alice = v.Client("alice");
        using BackupKey k = BackupKey.Generate();
        await alice.EnrolAsync(Password, k);
        await alice.LoginAsync("one wrong guess");
        string before = await Snapshot(v);
        long seq = v.Vault.Node.LastSeq, hsmCalls = v.Vault.Hsm.Calls;

        string bobToken = v.Client("bob").Token;
        using var otherVault = new HmacTokenValidator(RandomNumberGenerator.GetBytes(32));
        string realToken = alice.Token;
        string tamperedToken = realToken[..^2] + (realToken[^2] == 'A' ? "B" : "A") + realToken[^1];
        (string Name, string? Bearer)[] attackers =
        [
            ("no credential", null), ("tampered MAC", tamperedToken), ("another vault's token for alice", otherVault.Mint("alice", DateTimeOffset.UtcNow.AddDays(1))),
            ("alice's own token, expired", VaultHost.MintToken(v.Directory, "alice", TimeSpan.FromMinutes(-1))), ("bob's token", bobToken),
        ];

        var seen = new List<string>();
        foreach ((string method, string endpoint) in Endpoints)
        {
            foreach (string spelling in Spellings)
            {
                string target = spelling.Replace("{e}", endpoint, StringComparison.Ordinal).Replace("{E}", endpoint.ToUpperInvariant(), StringComparison.Ordinal);
                foreach ((string name, string? bearer) in attackers)
                {
                    RawHttp.Response r = await RawHttp.SendAsync(v.Vault.BaseAddress, method, target, bearer, method == "POST" ? Body(endpoint) : null);
                    string what = $"{method} {target} with {name}: {r.Status} {r.Body}";
                    seen.Add(what);
                    if (target.Contains("%00", StringComparison.Ordinal))
                    {
                        // Kestrel refuses a NUL in the path while parsing the request line, before any middleware.
                        Assert.True(r.Status == 400 && r.Body.Length == 0, what);
                        continue;
                    }
                    if (bearer != bobToken)
                    {
                        // Not authenticated: refused by the fallback or the account policy, whatever the path.
                        Assert.True(r.Status == 401, what);
                        Assert.Contains("WWW-Authenticate: Bearer", r.Headers, StringComparison.OrdinalIgnoreCase);
                        Assert.Contains("\"error\":\"unauthorized\"", r.Body, StringComparison.Ordinal);
                    }
                    else
                    {
                        // Authenticated as bob: never alice's endpoint. 403 where the route names an account that is not
                        // bob, 400 where the routed id breaks the rule, 404/405 where no endpoint matches.
                        Assert.True(r.Status is 400 or 403 or 404 or 405, what);
                        Assert.Matches("\"error\":\"(account_mismatch|invalid_account_id|not_found|method_not_allowed)\"", r.Body);
                    }
                }
            }
        }

        // The canonical path and its case-insensitive spellings are alice's endpoint: bob gets exactly 403.
        foreach (string target in new[] { "/v1/accounts/alice/status", "/V1/accounts/alice/status", "/V1/ACCOUNTS/alice/STATUS", "/v1/./accounts/alice/status", "/v1/accounts/%61lice/status" })
            Assert.Equal(403, (await RawHttp.SendAsync(v.Vault.BaseAddress, "POST", target, bobToken, Body("status"))).Status);

        Assert.Equal(seq, v.Vault.Node.LastSeq);
        Assert.Equal(hsmCalls, v.Vault.Hsm.Calls);
        Assert.Equal(before, await Snapshot(v));
        Assert.Equal(9, (await alice.StatusAsync()).GuessesLeft);
        Assert.True(seen.Count >= Endpoints.Length * Spellings.Length * attackers.Length);
    }

    [Fact]
    public async Task TheAuthenticatedIdIsTheVeryStringTheCommandUses()
    {
        await using VaultUnderTest v = await VaultUnderTest.StartAsync();
        VaultTestClient alice = v.Client("alice");
        using BackupKey k = BackupKey.Generate();
        await alice.EnrolAsync(Password, k);
        long seq = v.Vault.Node.LastSeq;

        // alice's own credential on a path whose routed id is not exactly "alice".
        foreach ((string target, int status, string error) in new[]
        {
            ("/v1/accounts/ALICE/status", 403, "account_mismatch"),
            ("/v1/accounts/Alice/login/start", 403, "account_mismatch"),
            ("/v1/accounts/%2561lice/status", 400, "invalid_account_id"),
            ("/v1/accounts/%2561lice/login/start", 400, "invalid_account_id"),
            ("/v1/accounts/alice%00/status", 400, ""), // refused by Kestrel's request-line parser
            ("/v1/accounts/alice%20/status", 400, "invalid_account_id"),
            ("/v1/accounts/al%2Fice/status", 400, "invalid_account_id"),
        })
        {
            RawHttp.Response r = await RawHttp.SendAsync(v.Vault.BaseAddress, "POST", target,
                alice.Token, target.Contains("login", StringComparison.Ordinal) ? Body("login/start") : Body("status"));
            Assert.True(r.Status == status, $"{target}: {r.Status} {r.Body}");
            if (error.Length > 0) Assert.Contains($"\"error\":\"{error}\"", r.Body, StringComparison.Ordinal);
        }
        Assert.Equal(seq, v.Vault.Node.LastSeq);
        Assert.Equal(["alice"], (await v.Vault.Node.ReadStateAsync()).Accounts.Keys);

        // The same credential on a differently cased but matching route prefix reaches alice's endpoint.
        Assert.Equal(200, (await RawHttp.SendAsync(v.Vault.BaseAddress, "POST", "/V1/Accounts/alice/Status", alice.Token, Body("status"))).Status);
    }

    [Fact]
    public async Task UnknownPathsNeedACredentialAndOnlyHealthAndServerInfoAreAnonymous()
    {
        await using VaultUnderTest v = await VaultUnderTest.StartAsync();
        Assert.Equal(200, (await RawHttp.SendAsync(v.Vault.BaseAddress, "GET", "/health")).Status);
        Assert.Equal(200, (await RawHttp.SendAsync(v.Vault.BaseAddress, "GET", "/v1/server")).Status);
        foreach (string target in new[] { "/metrics", "/v1/accounts", "/v1/accounts/alice", "/v2/accounts/alice/status", "/nothing" })
            Assert.Equal(401, (await RawHttp.SendAsync(v.Vault.BaseAddress, "GET", target)).Status);
        Assert.Equal(404, (await RawHttp.SendAsync(v.Vault.BaseAddress, "GET", "/metrics", v.Client("bob").Token)).Status);
    }

    [Fact]
    public async Task EveryEndpointEitherNeedsTheAccountPolicyOrIsOneOfTheFewAnonymousOnes()
    {
        await using VaultUnderTest v = await VaultUnderTest.StartAsync();
        var endpoints = v.Vault.Services.GetRequiredService<EndpointDataSource>().Endpoints.OfType<RouteEndpoint>().ToList();
        Assert.NotEmpty(endpoints);
        foreach (RouteEndpoint endpoint in endpoints)
        {
            string pattern = endpoint.RoutePattern.RawText ?? "";
            if (endpoint.Metadata.GetMetadata<IAllowAnonymous>() is not null)
            {
                Assert.Contains(pattern, new[] { "/health", "/v1/server", "/v1/hello" });
                continue;
            }
            // Everything else: the account policy when it acts on an account, at least the fallback (authenticated) otherwise.
            if (pattern.StartsWith("/v1/accounts/{accountId}", StringComparison.Ordinal))
                Assert.Contains(endpoint.Metadata.GetOrderedMetadata<IAuthorizeData>(), a => a.Policy == RoutedAccountRequirement.Policy);
        }
        Assert.Contains(endpoints, e => e.RoutePattern.RawText == "/v1/accounts/{accountId}/login/start");
    }

    private static async Task<string> Snapshot(VaultUnderTest v) =>
        Convert.ToHexString((await v.Vault.Node.ReadStateAsync()).Serialize());

    private static string B64(int length) => VaultTestClient.B64(RandomNumberGenerator.GetBytes(length));

    /// <summary>A body of the right shape for the endpoint (what an attacker would send).</summary>
    private static string Body(string endpoint) => endpoint switch
    {
        "registration/start" => $"{{\"registrationRequest\":\"{VaultTestClient.B64(Ristretto255Point())}\"}}",
        "enrol" => $"{{\"registrationRecord\":\"{B64(192)}\",\"wrappedKey\":\"{B64(60)}\",\"managementCredential\":\"{B64(32)}\"}}",
        "login/start" => $"{{\"ke1\":\"{B64(96)}\"}}",
        "login/finish" => $"{{\"sessionId\":\"{B64(16)}\",\"ke3\":\"{B64(64)}\"}}",
        "password/change" or "password/reset" => $"{{\"managementCredential\":\"{B64(32)}\",\"registrationRecord\":\"{B64(192)}\",\"wrappedKey\":\"{B64(60)}\"}}",
        "delete" => $"{{\"managementCredential\":\"{B64(32)}\"}}",
        "status" => $"{{\"nonce\":\"{B64(16)}\"}}",
        _ => "{}",
    };

    private static byte[] Ristretto255Point()
    {
        using ClientRegistrationState state = VaultTestClient.Opaque.CreateRegistrationRequest("x"u8);
        return state.Request.Serialize();
    }
}
