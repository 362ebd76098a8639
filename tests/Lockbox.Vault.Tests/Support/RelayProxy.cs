using System.Collections.Concurrent;
using Lockbox.Cryptography;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Lockbox.Vault.Tests.Support;

/// <summary>
/// A forwarding proxy on loopback (real Kestrel, real HTTP): what a hostile store's hint address, a TLS
/// terminator under an attacker's control, or a man in the middle would run. It relays every request to
/// <see cref="Target"/>, records what it saw (path, whether a bearer token came through), and can rewrite,
/// strip or replay the answers on their way back.
/// </summary>
internal sealed class RelayProxy : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly HttpClient _upstream = new();

    /// <summary>One answer as it travels back: status, body bytes and the Lockbox-Signature header (null when absent).</summary>
    public sealed record Answer(int Status, byte[] Body, string? Signature);

    private RelayProxy(WebApplication app, Uri baseAddress)
    {
        _app = app;
        BaseAddress = baseAddress;
    }

    /// <summary>Where requests are relayed (set once the target is running).</summary>
    public Uri? Target { get; set; }

    /// <summary>The proxy's own address, e.g. http://127.0.0.1:41235/.</summary>
    public Uri BaseAddress { get; }

    /// <summary>Every request seen: its path and whether it carried an Authorization header.</summary>
    public ConcurrentQueue<(string Path, bool Authorization)> Seen { get; } = new();

    /// <summary>Rewrites an answer (path, answer) before it goes back; null relays it unchanged.</summary>
    public Func<string, Answer, Answer>? Rewrite { get; set; }

    public static async Task<RelayProxy> StartAsync()
    {
        WebApplicationBuilder builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        WebApplication app = builder.Build();
        RelayProxy? proxy = null;
        app.Run(context => proxy!.RelayAsync(context));
        await app.StartAsync();
        string address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        proxy = new RelayProxy(app, new Uri(address.TrimEnd('/') + "/"));
        return proxy;
    }

    private async Task RelayAsync(HttpContext context)
    {
        string path = context.Request.Path.Value ?? "/";
        bool bearer = context.Request.Headers.Authorization.Count > 0;
        Seen.Enqueue((path, bearer));
        using var body = new MemoryStream();
        await context.Request.Body.CopyToAsync(body);
        using var request = new HttpRequestMessage(new HttpMethod(context.Request.Method), new Uri(Target!, path.TrimStart('/')))
        {
            Content = new ByteArrayContent(body.ToArray()),
        };
        if (context.Request.ContentType is { } type) request.Content.Headers.TryAddWithoutValidation("Content-Type", type);
        if (bearer) request.Headers.TryAddWithoutValidation("Authorization", context.Request.Headers.Authorization.ToString());
        using HttpResponseMessage response = await _upstream.SendAsync(request);
        var answer = new Answer((int)response.StatusCode, await response.Content.ReadAsByteArrayAsync(),
            response.Headers.TryGetValues(VaultSigning.SignatureHeader, out IEnumerable<string>? values) ? values.Single() : null);
        if (Rewrite is not null) answer = Rewrite(path, answer);
        context.Response.StatusCode = answer.Status;
        context.Response.ContentType = "application/json";
        if (answer.Signature is not null) context.Response.Headers[VaultSigning.SignatureHeader] = answer.Signature;
        await context.Response.Body.WriteAsync(answer.Body);
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
        _upstream.Dispose();
    }
}
