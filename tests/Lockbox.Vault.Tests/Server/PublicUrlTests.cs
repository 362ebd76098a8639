using System.Text.Json;
using Lockbox.Vault.Tests.EndToEnd;
using Lockbox.Vault.Tests.Support;

namespace Lockbox.Vault.Tests.Server;

/// <summary>
/// The signed hello lists the addresses devices use; a vault behind a proxy or listening on 0.0.0.0 must be told
/// them (<c>vault serve --public-url</c>), and an address no device could use is refused at start.
/// </summary>
public sealed class PublicUrlTests
{
    [Fact]
    public async Task ServeListsTheGivenPublicUrlsInItsHelloAndRefusesUnusableOnes()
    {
        using var dir = new TempDir();
        string vaultDir = Path.Combine(dir.Path, "vault");
        var cli = new CliRunner(new Dictionary<string, string?> { ["LOCKBOX_HOME"] = Path.Combine(dir.Path, "home") });
        Assert.Equal(0, (await cli.RunAsync("vault", "init", "--dir", vaultDir)).ExitCode);

        foreach (string bad in new[] { "0.0.0.0:8443", "http://0.0.0.0:8443/", "ftp://vault.example.org/", "https://vault.example.org/?x=1" })
        {
            CliResult refused = await cli.RunAsync("vault", "serve", "--dir", vaultDir, "--urls", "http://127.0.0.1:0", "--public-url", bad);
            Assert.Equal(2, refused.ExitCode);
            Assert.Contains("is not an address devices can use", refused.Error, StringComparison.Ordinal);
            Assert.DoesNotContain("   at ", refused.Error, StringComparison.Ordinal);
        }

        using ServeProcess serve = ServeProcess.Start(null, "vault", "serve", "--dir", vaultDir, "--urls", "http://127.0.0.1:0",
            "--public-url", "https://vault.example.org:8443/", "--public-url", "https://vault2.example.org/");
        Assert.True(await serve.WaitServingAsync(TimeSpan.FromMinutes(2)), serve.Stderr);
        using var http = new HttpClient { BaseAddress = serve.Address };
        using var hello = new StringContent("{\"nonce\":\"AAAAAAAAAAAAAAAAAAAAAA\"}", System.Text.Encoding.UTF8, "application/json");
        using HttpResponseMessage answer = await http.PostAsync("v1/hello", hello);
        using JsonDocument json = JsonDocument.Parse(await answer.Content.ReadAsStringAsync());
        string[] nodes = [.. json.RootElement.GetProperty("nodes").EnumerateArray().Select(n => n.GetString()!)];
        Assert.Equal(["https://vault.example.org:8443/", "https://vault2.example.org/"], nodes);
    }
}
