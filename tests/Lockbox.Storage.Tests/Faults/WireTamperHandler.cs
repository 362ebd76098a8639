using System.Collections.Concurrent;

namespace Lockbox.Storage.Tests.Faults;

/// <summary>
/// Sits between the S3 SDK and s3rver, logs what each request carries, and can damage bodies in transit the way a
/// broken network path or proxy would: flip a byte of an upload, or shorten a download while keeping its headers honest
/// about the shorter length. With <see cref="PlainHttpPort"/> set, it also lets the SDK believe it talks https (so it
/// behaves as it does towards AWS) while the bytes go to s3rver's plain http port.
/// </summary>
public sealed class WireTamperHandler : DelegatingHandler
{
    public WireTamperHandler() : base(new SocketsHttpHandler()) { }

    /// <summary>Sends https requests to this plain http port of the same host instead.</summary>
    public int? PlainHttpPort { get; init; }

    /// <summary>Upload bodies (PUTs) whose path contains this get one byte flipped.</summary>
    public string? FlipUploadsUnder { get; init; }

    /// <summary>Download bodies (GETs of at least 2 bytes) whose path contains this come back cut to half.</summary>
    public string? HalveDownloadsUnder { get; init; }

    /// <summary>Every request seen, after the store's own handler.</summary>
    public ConcurrentQueue<(string Method, string Path, string? ContentSha256, bool? ExpectContinue, byte[]? Body)> Seen { get; } = new();

    public int Flipped => _flipped;

    public int Halved => _halved;

    private int _flipped, _halved;

    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        var path = request.RequestUri!.AbsolutePath;
        byte[]? body = request.Content is null ? null : await request.Content.ReadAsByteArrayAsync(cancellationToken);
        Seen.Enqueue((request.Method.Method, request.RequestUri.PathAndQuery,
            request.Headers.TryGetValues("x-amz-content-sha256", out var sha) ? string.Join(",", sha) : null,
            request.Headers.ExpectContinue, body));
        if (body is not null && request.Content is not null)
        {
            if (request.Method == HttpMethod.Put && FlipUploadsUnder is { } flip && path.Contains(flip, StringComparison.Ordinal) && body.Length > 0)
            {
                body[body.Length / 2] ^= 0x40;
                Interlocked.Increment(ref _flipped);
            }
            var copy = new ByteArrayContent(body);
            foreach (var header in request.Content.Headers) copy.Headers.TryAddWithoutValidation(header.Key, header.Value);
            request.Content = copy;
        }
        if (PlainHttpPort is { } port && request.RequestUri.Scheme == Uri.UriSchemeHttps)
        {
            request.RequestUri = new UriBuilder(request.RequestUri) { Scheme = Uri.UriSchemeHttp, Port = port }.Uri;
        }
        var response = await base.SendAsync(request, cancellationToken);
        if (request.Method == HttpMethod.Get && HalveDownloadsUnder is { } halve && path.Contains(halve, StringComparison.Ordinal)
            && response.IsSuccessStatusCode)
        {
            var full = await response.Content.ReadAsByteArrayAsync(cancellationToken);
            if (full.Length >= 2)
            {
                var cut = new ByteArrayContent(full, 0, full.Length / 2);
                foreach (var header in response.Content.Headers)
                {
                    if (header.Key is not "Content-Length") cut.Headers.TryAddWithoutValidation(header.Key, header.Value);
                }
                cut.Headers.ContentLength = full.Length / 2;
                response.Content = cut;
                Interlocked.Increment(ref _halved);
            }
        }
        return response;
    }
}
