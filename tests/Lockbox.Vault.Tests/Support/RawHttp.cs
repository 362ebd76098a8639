using System.Net.Sockets;
using System.Text;

namespace Lockbox.Vault.Tests.Support;

/// <summary>
/// HTTP/1.1 over a bare socket, so a test can send a request target byte for byte as an attacker would
/// (<c>/v1/./</c>, <c>%2F</c>, <c>%2561</c>, double slashes): HttpClient would normalise some of them away.
/// </summary>
internal static class RawHttp
{
    public sealed record Response(int Status, string Headers, string Body);

    public static async Task<Response> SendAsync(Uri server, string method, string target, string? bearer = null, string? jsonBody = null, IEnumerable<string>? extraHeaders = null)
    {
        using var tcp = new TcpClient();
        await tcp.ConnectAsync(server.Host, server.Port);
        NetworkStream stream = tcp.GetStream();
        byte[] body = jsonBody is null ? [] : Encoding.UTF8.GetBytes(jsonBody);
        var request = new StringBuilder();
        request.Append(method).Append(' ').Append(target).Append(" HTTP/1.1\r\n");
        request.Append("Host: ").Append(server.Authority).Append("\r\n");
        request.Append("Connection: close\r\n");
        if (bearer is not null) request.Append("Authorization: Bearer ").Append(bearer).Append("\r\n");
        foreach (string header in extraHeaders ?? []) request.Append(header).Append("\r\n");
        if (jsonBody is not null) request.Append("Content-Type: application/json\r\n");
        request.Append("Content-Length: ").Append(body.Length).Append("\r\n\r\n");
        await stream.WriteAsync(Encoding.ASCII.GetBytes(request.ToString()));
        await stream.WriteAsync(body);
        using var received = new MemoryStream();
        await stream.CopyToAsync(received);
        string text = Encoding.UTF8.GetString(received.ToArray());
        int end = text.IndexOf("\r\n\r\n", StringComparison.Ordinal);
        string head = end < 0 ? text : text[..end];
        string[] statusLine = head.Split("\r\n")[0].Split(' ');
        return new Response(int.Parse(statusLine[1], System.Globalization.CultureInfo.InvariantCulture), head, end < 0 ? "" : text[(end + 4)..]);
    }
}
