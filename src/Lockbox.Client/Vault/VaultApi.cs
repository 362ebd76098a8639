using System.Buffers.Text;
using System.Net;
using System.Net.Http.Headers;
using System.Security.Cryptography;
using System.Text.Json;
using System.Text.Json.Nodes;
using Lockbox.Cryptography;
using Lockbox.Cryptography.Sodium;
using Lockbox.Vault.Protocol;

namespace Lockbox.Client.Vault;

/// <summary>
/// The vault's HTTP API (docs/VAULT-API.md) for one account. Every exchange goes through one place,
/// <see cref="ExchangeAsync{T}"/>: the body is serialised here, with a fresh device nonce, and the answer is
/// accepted only when its <c>Lockbox-Signature</c> verifies under the pinned fleet key over (endpoint,
/// account, the bytes sent, the status, the bytes received) — before anything in it is parsed. The bearer
/// token is sent only after <see cref="MarkAuthenticated"/>, i.e. after a signed hello proved the vault is
/// the pinned fleet and lists this URL. Every failure is a <see cref="VaultException"/> whose message holds no secret.
/// </summary>
internal sealed class VaultApi : IDisposable
{
    /// <summary>Largest answer read (every genuine answer is far smaller).</summary>
    public const int MaxResponseBytes = 64 * 1024;

    private readonly HttpClient _http;
    private readonly bool _ownsHttp;
    private readonly Uri[] _given;
    private Uri[] _roots;
    private readonly string _accountPath;
    private readonly TimeSpan _failover;
    private int _current;
    private readonly string _accountId;
    private readonly byte[] _fleetKey;
    private readonly AuthenticationHeaderValue _authorization;
    private readonly bool _allowInsecureHttp;
    private bool _authenticated;

    public VaultApi(VaultClientOptions options, byte[] fleetKey)
    {
        _ownsHttp = options.HttpClient is null;
        _given = [.. (options.VaultUrls is { Count: > 0 } nodes ? nodes : [options.VaultUrl]).Select(Root)];
        foreach (Uri root in _given) VaultTransport.CheckAddress(root, options.AllowInsecureHttp);
        _roots = _given;
        _allowInsecureHttp = options.AllowInsecureHttp;
        _http = VaultTransport.Client(options);
        _accountPath = "v1/accounts/" + Uri.EscapeDataString(options.AccountId) + "/";
        _failover = options.FailoverTimeout;
        _accountId = options.AccountId;
        _fleetKey = fleetKey;
        _authorization = new AuthenticationHeaderValue("Bearer", options.AccountToken);
    }

    private static Uri Root(Uri url) => url.AbsoluteUri.EndsWith('/') ? url : new Uri(url.AbsoluteUri + "/");

    /// <summary>The node in use now (the first given, until a failover moves on).</summary>
    public Uri VaultUrl
    {
        get
        {
            Uri[] roots = Volatile.Read(ref _roots);
            return roots[Volatile.Read(ref _current) % roots.Length];
        }
    }

    /// <summary>Every node address this device was given.</summary>
    public IReadOnlyList<Uri> Nodes => _given;

    /// <summary>The nodes requests go to now: those given, until <see cref="Route"/> narrows them to the account's group.</summary>
    public IReadOnlyList<Uri> Routed => Volatile.Read(ref _roots);

    /// <summary>Moves to the next node (a hello the device refused, e.g. an older fleet map).</summary>
    public void MoveNext()
    {
        int node = Volatile.Read(ref _current);
        Interlocked.CompareExchange(ref _current, (node + 1) % _roots.Length, node);
    }

    /// <summary>
    /// Sends every later request to <paramref name="nodes"/> — the account's group in the fleet map — with the same
    /// failover among them; each address is checked like a given one (https, or http to loopback).
    /// </summary>
    public void Route(IReadOnlyList<Uri> nodes)
    {
        if (nodes.Count == 0) throw new ArgumentException("A group has at least one node.", nameof(nodes));
        Uri[] roots = [.. nodes.Select(Root)];
        foreach (Uri root in roots) VaultTransport.CheckAddress(root, _allowInsecureHttp);
        Volatile.Write(ref _current, 0);
        Volatile.Write(ref _roots, roots);
    }

    /// <summary>POST /v1/hello without any credential; the answer is verified like every other.</summary>
    public Task<HelloResponse> HelloAsync(CancellationToken ct) =>
        ExchangeAsync<HelloResponse>("v1/hello", VaultSigning.Endpoints.Hello, "", new HelloRequest(null), bearer: false, ct);

    /// <summary>Called once the signed hello is verified and lists this URL: from now on the token may be sent.</summary>
    public void MarkAuthenticated() => _authenticated = true;

    /// <summary>POSTs to an account endpoint (its canonical name is also its path under the account).</summary>
    public Task<T> PostAsync<T>(string endpoint, object body, CancellationToken ct)
    {
        if (!_authenticated) throw new InvalidOperationException("The vault must be authenticated (hello) before the account token is sent.");
        return ExchangeAsync<T>(_accountPath + endpoint, endpoint, _accountId, body, bearer: true, ct);
    }

    /// <summary>
    /// One request with failover over the vault's nodes (issue 10): a node that cannot be reached, or that answers
    /// a signed <c>not_leader</c> (naming the leader) or <c>no_quorum</c>, is left for the next (the leader, when it is
    /// one of this device's addresses), until <see cref="VaultClientOptions.FailoverTimeout"/>. Only requests that
    /// are safe to send again are sent again: reads, and logins whose start and finish the vault recognises by
    /// their attempt id, so one attempt never counts two guesses. Every answer used is still verified first.
    /// </summary>
    private async Task<T> ExchangeAsync<T>(string path, string endpoint, string accountId, object body, bool bearer, CancellationToken ct)
    {
        long deadline = Environment.TickCount64 + (long)_failover.TotalMilliseconds;
        Uri[] roots = Volatile.Read(ref _roots);
        int tried = 0;
        VaultException? noQuorum = null; // what a live node said beats "unreachable" from the dead ones
        while (true)
        {
            int node = Volatile.Read(ref _current) % roots.Length;
            try
            {
                return await ExchangeOnceAsync<T>(new Uri(roots[node], path), endpoint, accountId, body, bearer, ct).ConfigureAwait(false);
            }
            catch (VaultException e) when (e.Failure is VaultFailure.Unreachable or VaultFailure.NoQuorum)
            {
                if (e.Failure == VaultFailure.NoQuorum) noQuorum = e;
                if ((roots.Length == 1 && e.Failure != VaultFailure.NoQuorum) || Environment.TickCount64 >= deadline) throw noQuorum ?? Final(e, roots);
                int next = e is { NotLeader: true, Leader: { } leader } && Array.FindIndex(roots, r => VaultClient.SameVault(leader, r)) is >= 0 and var at && at != node
                    ? at
                    : (node + 1) % roots.Length;
                Interlocked.CompareExchange(ref _current, next, node);
                if (++tried % roots.Length == 0 || e.Failure == VaultFailure.NoQuorum)
                    await Task.Delay(250, ct).ConfigureAwait(false); // every node tried once: give an election time
            }
        }
    }

    private VaultException Final(VaultException e, Uri[] roots) => e.NotLeader
        ? new VaultException(VaultFailure.NoQuorum, "The vault's nodes kept naming a leader this device cannot reach; retry later.", e)
        : roots.Length > 1 && e.Failure == VaultFailure.Unreachable
            ? new VaultException(VaultFailure.Unreachable, $"None of the {roots.Length} vault nodes {(roots == _given ? "given" : "of this account's group")} answers ({string.Join(", ", roots.Select(r => r.GetLeftPart(UriPartial.Authority)))}), for {_failover.TotalSeconds:0} s; nothing was counted. Retry when they are back.", e)
            : e;

    private async Task<T> ExchangeOnceAsync<T>(Uri uri, string endpoint, string accountId, object body, bool bearer, CancellationToken ct)
    {
        byte[] sent = Serialize(body);
        using var request = new HttpRequestMessage(HttpMethod.Post, uri) { Content = new ByteArrayContent(sent) };
        request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        if (bearer) request.Headers.Authorization = _authorization;
        HttpResponseMessage response;
        try
        {
            response = await _http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, ct).ConfigureAwait(false);
        }
        catch (HttpRequestException e)
        {
            throw new VaultException(VaultFailure.Unreachable, $"Cannot reach the vault at {VaultUrl}: {e.Message}", e);
        }
        catch (TaskCanceledException e) when (!ct.IsCancellationRequested)
        {
            throw new VaultException(VaultFailure.Unreachable, $"The vault at {VaultUrl} did not answer in time.", e);
        }

        using (response)
        {
            byte[] received = await ReadCappedAsync(response, endpoint, ct).ConfigureAwait(false);
            if (!response.Headers.Contains(VaultSigning.SignatureHeader))
                throw new VaultException(VaultFailure.NotAuthentic,
                    $"{VaultUrl} is not a Lockbox key vault: it answered {endpoint} with HTTP {(int)response.StatusCode} ({response.Content.Headers.ContentType?.MediaType ?? "no content type"}) and no vault signature. Check the vault address; nothing in the answer was used.");
            if (!Authentic(response, endpoint, accountId, sent, received))
                throw new VaultException(VaultFailure.NotAuthentic,
                    $"The vault at {VaultUrl} is not authentic: its answer to {endpoint} is not signed by the pinned fleet key (another vault, or an altered answer). Nothing in it was used.");
            if (response.IsSuccessStatusCode)
            {
                try
                {
                    return JsonSerializer.Deserialize<T>(received, VaultJson.Options) ?? throw Malformed(endpoint);
                }
                catch (JsonException e)
                {
                    throw new VaultException(VaultFailure.Rejected, $"The vault at {VaultUrl} sent a malformed answer to {endpoint}.", e);
                }
            }
            ErrorResponse? error = null;
            try
            {
                error = JsonSerializer.Deserialize<ErrorResponse>(received, VaultJson.Options);
            }
            catch (JsonException)
            {
                // Signed but not one of the vault's JSON errors: report the status alone.
            }
            throw ToException(response.StatusCode, error);
        }
    }

    /// <summary>The body as JSON bytes with a fresh <c>nonce</c> (docs/VAULT-API.md, "Signed answers").</summary>
    private static byte[] Serialize(object body)
    {
        JsonObject json = JsonSerializer.SerializeToNode(body, body.GetType(), VaultJson.Options)?.AsObject() ?? [];
        json[VaultSigning.NonceField] = Encode(RandomNumberGenerator.GetBytes(VaultSigning.NonceSize));
        return JsonSerializer.SerializeToUtf8Bytes(json, VaultJson.Options);
    }

    private bool Authentic(HttpResponseMessage response, string endpoint, string accountId, byte[] sent, byte[] received)
    {
        if (!response.Headers.TryGetValues(VaultSigning.SignatureHeader, out IEnumerable<string>? values)) return false;
        string? header = values.SingleOrDefault();
        if (header is null || header.Length != 86) return false; // base64url of 64 bytes, no padding
        byte[] signature = new byte[Ed25519.SignatureSize];
        if (!Base64Url.TryDecodeFromChars(header, signature, out int written) || written != Ed25519.SignatureSize) return false;
        return Ed25519.Verify(_fleetKey, VaultSigning.Transcript(endpoint, accountId, sent, (int)response.StatusCode, received), signature);
    }

    private async Task<byte[]> ReadCappedAsync(HttpResponseMessage response, string endpoint, CancellationToken ct)
    {
        if (response.Content.Headers.ContentLength > MaxResponseBytes) throw TooLarge(endpoint);
        await using Stream stream = await response.Content.ReadAsStreamAsync(ct).ConfigureAwait(false);
        using var buffer = new MemoryStream();
        byte[] chunk = new byte[8192];
        int read;
        while ((read = await stream.ReadAsync(chunk, ct).ConfigureAwait(false)) > 0)
        {
            if (buffer.Length + read > MaxResponseBytes) throw TooLarge(endpoint);
            buffer.Write(chunk, 0, read);
        }
        return buffer.ToArray();
    }

    private VaultException TooLarge(string endpoint) => new(VaultFailure.NotAuthentic, $"The answer from {VaultUrl} to {endpoint} is larger than any genuine vault answer; nothing in it was used.");

    private VaultException Malformed(string what) => new(VaultFailure.Rejected, $"The vault at {VaultUrl} sent a malformed answer ({what}).");

    /// <summary>The vault's error codes (docs/VAULT-API.md, "Errors") as failures.</summary>
    internal static VaultException ToException(HttpStatusCode status, ErrorResponse? error)
    {
        string code = error?.Error ?? "";
        string detail = string.IsNullOrWhiteSpace(error?.Message) ? $"HTTP {(int)status}" : error!.Message!.ReplaceLineEndings(" ");
        return code switch
        {
            VaultErrorCodes.LoginFailed when error?.Locked == true => Locked(lastGuess: true),
            VaultErrorCodes.LoginFailed => WrongPassword(error?.GuessesLeft ?? 0),
            VaultErrorCodes.Locked => Locked(lastGuess: false),
            VaultErrorCodes.NoGuessesLeft => new VaultException(VaultFailure.Locked,
                "No guesses left for now: logins started earlier hold the remaining guesses. The escrowed key still exists, but is erased when they fail or expire, unless one of them succeeds.", 0),
            VaultErrorCodes.NotEnrolled => NotEnrolled(),
            VaultErrorCodes.AlreadyEnrolled => new VaultException(VaultFailure.AlreadyEnrolled, "This account already escrows a backup key in the vault; use 'lockbox password change' or 'lockbox password reset'."),
            VaultErrorCodes.ManagementCredentialInvalid => new VaultException(VaultFailure.KeyMismatch, "The vault refused: this device's backup key is not the one escrowed for this account."),
            VaultErrorCodes.Unauthorized or VaultErrorCodes.AccountMismatch => new VaultException(VaultFailure.AccountCredentialRejected, $"The vault refused the account credential (LOCKBOX_ACCOUNT_TOKEN or --token): {detail}"),
            VaultErrorCodes.RateLimited => new VaultException(VaultFailure.RateLimited, "The vault is rate-limiting this account or address; try again in a minute."),
            VaultErrorCodes.AnchorStale => new VaultException(VaultFailure.Rejected, "The vault already anchors this account at a newer snapshot; the anchor only moves forward."),
            VaultErrorCodes.NoQuorum => new VaultException(VaultFailure.NoQuorum, "The vault has no quorum: too few of its nodes answer for it to count a guess or read committed state. Nothing was counted that you were told of; retry in a few seconds."),
            VaultErrorCodes.WrongGroup => new VaultException(VaultFailure.Rejected,
                $"This vault node serves another group of the fleet (its map, version {error?.FleetVersion}, puts the account in group {error?.Group}); nothing was done. Retry: the device fetches the fleet map again."),
            VaultErrorCodes.NotLeader => new VaultException(VaultFailure.Unreachable, "This vault node is not the leader.") { NotLeader = true, Leader = error?.Leader },
            _ => new VaultException(VaultFailure.Rejected, $"The vault refused the request ({(int)status} {code}): {detail}"),
        };
    }

    internal static VaultException NotEnrolled() => new(VaultFailure.NotEnrolled,
        "This account has no escrowed key in the vault: nothing is escrowed (password mode is not enabled, or was disabled); no guess was spent.");

    internal static VaultException WrongPassword(int guessesLeft) => new(VaultFailure.WrongPassword, guessesLeft == 1
        ? "Wrong password: 1 guess left before the vault erases the escrowed backup key for good."
        : $"Wrong password: {guessesLeft} guesses left before the vault erases the escrowed backup key for good.", guessesLeft);

    internal static VaultException Locked(bool lastGuess) => new(VaultFailure.Locked,
        (lastGuess ? "Wrong password, and that was the last guess: " : "Too many wrong passwords: ")
        + "the vault erased the escrowed backup key and it is gone for good. Only the 64-digit key (or the original device) can restore the backup now.", 0);

    public static string Encode(ReadOnlySpan<byte> bytes) => Base64Url.EncodeToString(bytes);

    /// <summary>Decodes a base64url field of an exact length from the vault's answer.</summary>
    public byte[] Decode(string? value, int length, string field)
    {
        if (value is null) throw Malformed(field);
        byte[] buffer = new byte[Base64Url.GetMaxDecodedLength(value.Length)];
        if (!Base64Url.TryDecodeFromChars(value, buffer, out int written) || written != length) throw Malformed(field);
        return buffer.Length == written ? buffer : buffer.AsSpan(0, written).ToArray();
    }

    public void Dispose()
    {
        if (_ownsHttp) _http.Dispose();
    }
}
