using System.Net;
using System.Net.Sockets;
using System.Text;
using Lockbox.Vault.Tests.Support;

namespace Lockbox.Vault.Tests.EndToEnd;

/// <summary>
/// A <c>--vault</c> address that is some other web server (a typo, a proxy's error page) is named as "not a Lockbox
/// key vault" with what it answered, instead of a raw HTTP status or a forgery warning; nothing is sent but the hello.
/// </summary>
public sealed class NotAVaultTests
{
    [Theory]
    [InlineData(501, "Not Implemented", "text/html")]
    [InlineData(404, "Not Found", "text/plain")]
    public async Task AWebServerThatIsNotAVaultIsNamedAsSuchInOneLine(int status, string reason, string contentType)
    {
        await using VaultUnderTest vault = await VaultUnderTest.StartAsync();
        using var world = new PasswordWorld(vault);
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var requests = new List<string>();
        Task server = Task.Run(async () =>
        {
            while (true)
            {
                using TcpClient client = await listener.AcceptTcpClientAsync();
                NetworkStream stream = client.GetStream();
                byte[] buffer = new byte[16384];
                int n = await stream.ReadAsync(buffer);
                lock (requests) requests.Add(Encoding.ASCII.GetString(buffer, 0, n));
                byte[] body = "<html>nope</html>"u8.ToArray();
                await stream.WriteAsync(Encoding.ASCII.GetBytes($"HTTP/1.1 {status} {reason}\r\nContent-Type: {contentType}\r\nContent-Length: {body.Length}\r\nConnection: close\r\n\r\n"));
                await stream.WriteAsync(body);
            }
        });
        string url = $"http://127.0.0.1:{((IPEndPoint)listener.LocalEndpoint).Port}/";

        CliResult result = await world.Device("phone").RunAsync("password", "status", "--vault", url, "--account", world.Account);

        Assert.Equal(13, result.ExitCode);
        string line = Assert.Single(result.Error.Trim().Split('\n'));
        Assert.Equal($"lockbox: {url} is not a Lockbox key vault: it answered hello with HTTP {status} ({contentType}) and no vault signature. Check the vault address; nothing in the answer was used.", line);
        lock (requests)
        {
            Assert.NotEmpty(requests);
            Assert.All(requests, r => Assert.DoesNotContain("Authorization", r, StringComparison.OrdinalIgnoreCase));
        }
        listener.Stop();
        await Assert.ThrowsAnyAsync<Exception>(() => server);
    }
}
