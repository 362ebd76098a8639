using Lockbox.Vault.Tests.EndToEnd;
using Lockbox.Vault.Tests.Support;

namespace Lockbox.Vault.Tests.Server;

/// <summary>
/// Issue 9, finding 8: two <c>vault serve</c> processes on one directory would keep separate guess counters.
/// The serving process holds an exclusive lock on the directory; a second one refuses to start.
/// </summary>
public sealed class DirectoryLockTests
{
    [Fact]
    public async Task ASecondServeOnTheSameDirectoryRefusesToStartWithOneLine()
    {
        using var dir = new TempDir();
        string vaultDir = Path.Combine(dir.Path, "vault");
        var cli = new CliRunner(new Dictionary<string, string?> { ["LOCKBOX_HOME"] = Path.Combine(dir.Path, "home") });
        Assert.Equal(0, (await cli.RunAsync("vault", "init", "--dir", vaultDir)).ExitCode);
        string token = (await cli.RunAsync("vault", "token", "--dir", vaultDir, "--account", "alice")).Out.Trim();

        using (ServeProcess first = ServeProcess.Start(null, "vault", "serve", "--dir", vaultDir, "--urls", "http://127.0.0.1:0"))
        {
            Assert.True(await first.WaitServingAsync(TimeSpan.FromMinutes(2)), first.Stderr);

            // A second real process on the same directory: refused, non-zero, one line.
            using (ServeProcess second = ServeProcess.Start(null, "vault", "serve", "--dir", vaultDir, "--urls", "http://127.0.0.1:0"))
            {
                Assert.False(await second.WaitServingAsync(TimeSpan.FromMinutes(2)), second.Stderr);
                Assert.NotEqual(0, second.ExitCode);
                string[] lines = second.Stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries);
                Assert.True(lines.Length == 1, second.Stderr);
                Assert.Contains("is already served by another vault process", lines[0], StringComparison.Ordinal);
                Assert.DoesNotContain("   at ", second.Stderr, StringComparison.Ordinal);
            }

            // The same through the CLI runner in this process.
            CliResult inProcess = await cli.RunAsync("vault", "serve", "--dir", vaultDir, "--urls", "http://127.0.0.1:0");
            Assert.Equal(2, inProcess.ExitCode);
            Assert.Contains("is already served by another vault process", inProcess.Error, StringComparison.Ordinal);

            // The first one is unaffected and still answers.
            using var http = new HttpClient { BaseAddress = first.Address };
            using var request = new HttpRequestMessage(HttpMethod.Post, "v1/accounts/alice/status") { Content = new StringContent("{\"nonce\":\"AAAAAAAAAAAAAAAAAAAAAA\"}", System.Text.Encoding.UTF8, "application/json") };
            request.Headers.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", token);
            Assert.Equal(System.Net.HttpStatusCode.NotFound, (await http.SendAsync(request)).StatusCode);
        } // killed (SIGKILL): the kernel drops its lock with it

        using ServeProcess after = ServeProcess.Start(null, "vault", "serve", "--dir", vaultDir, "--urls", "http://127.0.0.1:0");
        Assert.True(await after.WaitServingAsync(TimeSpan.FromMinutes(2)), "a crashed node must not leave a stale lock: " + after.Stderr);
    }
}
