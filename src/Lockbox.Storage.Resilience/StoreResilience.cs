using System.Security.Cryptography;
using Lockbox.Repository.Storage;
using Polly;
using Polly.Retry;

namespace Lockbox.Storage.Resilience;

/// <summary>
/// Runs one store request at a time through the shared rules of a store: at most
/// <see cref="ResilienceOptions.MaxParallelism"/> requests in flight, a timeout per attempt, and
/// retries of <see cref="TransientBlobStoreException"/> with exponential backoff and full jitter.
/// A request that still fails after the last attempt surfaces as a plain
/// <see cref="BlobStoreException"/> naming the attempts; every other exception passes through.
/// </summary>
/// <remarks>
/// Cloud stores call this per HTTP request (each part of a multipart upload on its own), so a
/// dropped connection costs one part, not the whole pack.
/// </remarks>
public sealed class StoreResilience : IDisposable
{
    private readonly ResiliencePipeline _pipeline;
    private readonly SemaphoreSlim _inFlight;
    private readonly BandwidthBucket? _bandwidth;
    private long _retries;

    public StoreResilience(ResilienceOptions options, TimeProvider? timeProvider = null)
        : this(options, timeProvider, options?.BandwidthBytesPerSecond is { } rate ? new BandwidthBucket(rate) : null)
    {
    }

    /// <summary>With a given bandwidth bucket (tests refill it by hand).</summary>
    internal StoreResilience(ResilienceOptions options, TimeProvider? timeProvider, BandwidthBucket? bandwidth)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        Options = options;
        var time = timeProvider ?? TimeProvider.System;
        _inFlight = new SemaphoreSlim(options.MaxParallelism, options.MaxParallelism);
        _bandwidth = bandwidth;

        var builder = new ResiliencePipelineBuilder { TimeProvider = time };
        if (options.MaxAttempts > 1)
        {
            builder.AddRetry(new RetryStrategyOptions
            {
                ShouldHandle = new PredicateBuilder().Handle<TransientBlobStoreException>(),
                MaxRetryAttempts = options.MaxAttempts - 1,
                BackoffType = DelayBackoffType.Exponential,
                UseJitter = true,
                Delay = options.BaseDelay,
                MaxDelay = options.MaxDelay,
                Randomizer = static () => RandomNumberGenerator.GetInt32(int.MaxValue) / (double)int.MaxValue,
                OnRetry = _ =>
                {
                    Interlocked.Increment(ref _retries);
                    return default;
                },
            });
        }
        _pipeline = builder.Build();
    }

    /// <summary>The rules this instance applies.</summary>
    public ResilienceOptions Options { get; }

    /// <summary>Retries made so far (attempts after a first one), for tests and diagnostics.</summary>
    public long RetryCount => Interlocked.Read(ref _retries);

    /// <summary>Runs <paramref name="attempt"/> until it succeeds, fails for good, or the attempts run out.</summary>
    /// <param name="what">What the request does, for the timeout message ("upload of data/3f…").</param>
    /// <param name="attempt">One try; it maps its own transient failures to <see cref="TransientBlobStoreException"/>.</param>
    /// <param name="cancellationToken">Cancels the whole request, retries included.</param>
    /// <param name="sendBytes">Bytes each attempt sends, booked against the bandwidth limit before the attempt's timeout starts.</param>
    public async Task<T> ExecuteAsync<T>(string what, Func<CancellationToken, Task<T>> attempt, CancellationToken cancellationToken, long sendBytes = 0)
    {
        ArgumentNullException.ThrowIfNull(attempt);
        ArgumentOutOfRangeException.ThrowIfNegative(sendBytes);
        try
        {
            return await _pipeline.ExecuteAsync(
                async ct => await OneAttemptAsync(what, attempt, sendBytes, ct).ConfigureAwait(false),
                cancellationToken).ConfigureAwait(false);
        }
        catch (TransientBlobStoreException e)
        {
            var attempts = Options.MaxAttempts == 1 ? "1 attempt" : $"{Options.MaxAttempts} attempts";
            throw new BlobStoreException($"{e.Message} (gave up after {attempts})", e);
        }
    }

    /// <summary>Waits until <paramref name="bytes"/> more may be moved under the bandwidth limit (no wait without one); for bytes received.</summary>
    public Task ThrottleAsync(long bytes, CancellationToken cancellationToken) =>
        _bandwidth is null ? Task.CompletedTask : _bandwidth.AcquireAsync(bytes, cancellationToken);

    /// <summary>Stops the bandwidth bucket's refill timer.</summary>
    public void Dispose() => _bandwidth?.Dispose();

    private async Task<T> OneAttemptAsync<T>(string what, Func<CancellationToken, Task<T>> attempt, long sendBytes, CancellationToken cancellationToken)
    {
        await _inFlight.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            // A slow limit must not eat into the attempt's time: wait for the line first.
            if (_bandwidth is not null)
            {
                await _bandwidth.AcquireAsync(sendBytes, cancellationToken).ConfigureAwait(false);
            }
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            timeout.CancelAfter(Options.AttemptTimeout);
            try
            {
                return await attempt(timeout.Token).ConfigureAwait(false);
            }
            catch (OperationCanceledException e) when (!cancellationToken.IsCancellationRequested)
            {
                throw new TransientBlobStoreException($"{what} timed out after {Options.AttemptTimeout.TotalSeconds:0.#} s", e);
            }
        }
        finally
        {
            _inFlight.Release();
        }
    }
}
