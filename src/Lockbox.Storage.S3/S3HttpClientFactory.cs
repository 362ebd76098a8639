using Amazon.Runtime;

namespace Lockbox.Storage.S3;

/// <summary>
/// The one <see cref="HttpClient"/> an <see cref="S3BlobStore"/> sends through: a single connection pool for every
/// request of the store (connections are reused across packs), no automatic redirects (the SDK follows S3's own), no
/// cookies or decompression, and no <c>Expect: 100-continue</c> (see <see cref="NoExpectContinue"/>).
/// </summary>
/// <remarks>The SDK's timeout is left to <c>StoreResilience</c>, which cancels each attempt itself.</remarks>
internal sealed class S3HttpClientFactory(Func<HttpMessageHandler>? testHandler) : HttpClientFactory
{
    public override HttpClient CreateHttpClient(IClientConfig clientConfig)
    {
#pragma warning disable CA2000 // the handlers are owned by the client, which disposes them (not a test's handler, which the test owns)
        HttpMessageHandler inner = testHandler?.Invoke() ?? new SocketsHttpHandler
        {
            AllowAutoRedirect = false,
            UseCookies = false,
            AutomaticDecompression = System.Net.DecompressionMethods.None,
            PooledConnectionIdleTimeout = TimeSpan.FromSeconds(60),
        };
        return new HttpClient(new NoExpectContinue(inner), disposeHandler: testHandler is null) { Timeout = Timeout.InfiniteTimeSpan };
#pragma warning restore CA2000
    }

    public override bool UseSDKHttpClientCaching(IClientConfig clientConfig) => true;

    public override bool DisposeHttpClientsAfterUse(IClientConfig clientConfig) => false;

    /// <summary>Null: the client is cached per SDK client (one store), and disposed with it.</summary>
    public override string? GetConfigUniqueString(IClientConfig clientConfig) => null;

    /// <summary>
    /// Sends an upload's body at once instead of first waiting for the server's <c>100 Continue</c> (the SDK asks for
    /// it on every PUT): a round trip saved per pack. What 100-continue would spare (sending a body the server refuses)
    /// is rare here: the store looks the name up first, and a refused put is retried or reported either way.
    /// </summary>
    private sealed class NoExpectContinue(HttpMessageHandler inner) : DelegatingHandler(inner)
    {
        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            request.Headers.ExpectContinue = false;
            return base.SendAsync(request, cancellationToken);
        }
    }
}
