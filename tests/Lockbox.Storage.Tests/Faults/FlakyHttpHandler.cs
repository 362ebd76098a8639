using System.Collections.Concurrent;
using System.Net;

namespace Lockbox.Storage.Tests.Faults;

/// <summary>How a <see cref="FlakyHttpHandler"/> breaks a matching request.</summary>
public enum HttpFault
{
    /// <summary>The server answers 503 without doing anything.</summary>
    ServiceUnavailable,

    /// <summary>The connection drops before the request reaches the server.</summary>
    DropRequest,

    /// <summary>The server carries the request out, then the connection drops before the answer.</summary>
    LoseAnswer,

    /// <summary>The answer's body stops half-way with a connection reset.</summary>
    CutBody,
}

/// <summary>
/// Sits between a cloud SDK and the real server on loopback, logs every request, and breaks the
/// ones that match a rule, a set number of times (or always), the way a bad network does.
/// </summary>
public sealed class FlakyHttpHandler : DelegatingHandler
{
    private readonly Func<HttpRequestMessage, bool> matches;
    private readonly HttpFault fault;
    private int remaining;

    /// <param name="matches">Which requests to break.</param>
    /// <param name="fault">How to break them.</param>
    /// <param name="times">How many matching requests to break; -1 for all.</param>
    public FlakyHttpHandler(Func<HttpRequestMessage, bool> matches, HttpFault fault, int times)
        : base(new SocketsHttpHandler())
    {
        this.matches = matches;
        this.fault = fault;
        remaining = times;
    }

    /// <summary>"METHOD path?query" of every request seen, broken or not, in order.</summary>
    public ConcurrentQueue<string> Log { get; } = new();

    /// <summary>The headers that matter for create-only, unframed uploads, of every request seen.</summary>
    public ConcurrentQueue<SeenRequest> Requests { get; } = new();

    /// <summary>Requests broken so far.</summary>
    public int Broken => brokenCount;

    private int brokenCount;

    /// <summary>Requests logged that satisfy <paramref name="predicate"/>.</summary>
    public int Count(Func<string, bool> predicate) => Log.Count(predicate);

    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        Log.Enqueue($"{request.Method} {request.RequestUri!.PathAndQuery}");
        Requests.Enqueue(new SeenRequest(
            request.Method.Method,
            request.RequestUri.PathAndQuery,
            request.Headers.TryGetValues("If-None-Match", out var inm) ? string.Join(",", inm) : null,
            request.Content?.Headers.ContentEncoding.Count > 0 ? string.Join(",", request.Content.Headers.ContentEncoding) : null,
            request.Headers.TryGetValues("x-amz-content-sha256", out var sha) ? string.Join(",", sha) : null));
        if (!matches(request) || !TakeOne())
        {
            return await base.SendAsync(request, cancellationToken);
        }
        Interlocked.Increment(ref brokenCount);
        switch (fault)
        {
            case HttpFault.ServiceUnavailable:
                return new HttpResponseMessage(HttpStatusCode.ServiceUnavailable) { RequestMessage = request, Content = new StringContent("") };
            case HttpFault.DropRequest:
                throw new HttpRequestException("Injected: connection reset by peer", new IOException("connection reset"));
            case HttpFault.LoseAnswer:
                using (await base.SendAsync(request, cancellationToken))
                {
                    throw new HttpRequestException("Injected: connection reset before the answer", new IOException("connection reset"));
                }
            default:
                var response = await base.SendAsync(request, cancellationToken);
                var body = await response.Content.ReadAsByteArrayAsync(cancellationToken);
                var cut = new StreamContent(new CutStream(body, body.Length / 2));
                foreach (var header in response.Content.Headers)
                {
                    cut.Headers.TryAddWithoutValidation(header.Key, header.Value);
                }
                response.Content = cut;
                return response;
        }
    }

    private bool TakeOne()
    {
        while (true)
        {
            var left = Volatile.Read(ref remaining);
            if (left == 0)
            {
                return false;
            }
            if (left < 0 || Interlocked.CompareExchange(ref remaining, left - 1, left) == left)
            {
                return true;
            }
        }
    }

    /// <summary>Gives the first bytes of a body, then fails as a reset connection does.</summary>
    private sealed class CutStream(byte[] body, int cutAt) : Stream
    {
        private int position;

        public override bool CanRead => true;

        public override bool CanSeek => false;

        public override bool CanWrite => false;

        public override long Length => body.Length;

        public override long Position { get => position; set => throw new NotSupportedException(); }

        public override int Read(byte[] buffer, int offset, int count)
        {
            if (position >= cutAt)
            {
                throw new IOException("Injected: connection reset mid-body");
            }
            var n = Math.Min(count, cutAt - position);
            Array.Copy(body, position, buffer, offset, n);
            position += n;
            return n;
        }

        public override void Flush() { }

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();

        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    }
}

/// <summary>One request as the server would see it.</summary>
public sealed record SeenRequest(string Method, string PathAndQuery, string? IfNoneMatch, string? ContentEncoding, string? ContentSha256);
