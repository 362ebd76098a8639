using System.Buffers.Text;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;

namespace Lockbox.Client.Vault;

/// <summary>
/// The vault's HTTP API (docs/VAULT-API.md) for one account: JSON in and out, the account credential as a
/// bearer token, every failure turned into a <see cref="VaultException"/> whose message holds no secret.
/// </summary>
internal sealed class VaultApi : IDisposable
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    private readonly HttpClient _http;
    private readonly bool _ownsHttp;
    private readonly Uri _account;
    private readonly AuthenticationHeaderValue _authorization;

    public VaultApi(VaultClientOptions options)
    {
        _ownsHttp = options.HttpClient is null;
        _http = VaultTransport.Client(options);
        Uri root = options.VaultUrl.AbsoluteUri.EndsWith('/') ? options.VaultUrl : new Uri(options.VaultUrl.AbsoluteUri + "/");
        _account = new Uri(root, "v1/accounts/" + Uri.EscapeDataString(options.AccountId) + "/");
        _authorization = new AuthenticationHeaderValue("Bearer", options.AccountToken);
        VaultUrl = root;
    }

    public Uri VaultUrl { get; }

    public Task<T> PostAsync<T>(string path, object body, CancellationToken ct) =>
        SendAsync<T>(HttpMethod.Post, path, JsonContent.Create(body, body.GetType(), options: Json), ct);

    public Task<T> GetAsync<T>(string path, CancellationToken ct) => SendAsync<T>(HttpMethod.Get, path, null, ct);

    private async Task<T> SendAsync<T>(HttpMethod method, string path, HttpContent? content, CancellationToken ct)
    {
        using var request = new HttpRequestMessage(method, new Uri(_account, path)) { Content = content };
        request.Headers.Authorization = _authorization;
        HttpResponseMessage response;
        try
        {
            response = await _http.SendAsync(request, ct).ConfigureAwait(false);
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
            if (response.IsSuccessStatusCode)
            {
                try
                {
                    T? value = await response.Content.ReadFromJsonAsync<T>(Json, ct).ConfigureAwait(false);
                    return value ?? throw Malformed(path);
                }
                catch (JsonException e)
                {
                    throw new VaultException(VaultFailure.Rejected, $"The vault at {VaultUrl} sent a malformed answer to {path}.", e);
                }
            }
            ErrorReply? error = null;
            try
            {
                error = await response.Content.ReadFromJsonAsync<ErrorReply>(Json, ct).ConfigureAwait(false);
            }
            catch (Exception e) when (e is JsonException or NotSupportedException or InvalidOperationException)
            {
                // Not one of the vault's JSON errors (a proxy, an old server): report the status alone.
            }
            throw ToException(response.StatusCode, error);
        }
    }

    private VaultException Malformed(string path) => new(VaultFailure.Rejected, $"The vault at {VaultUrl} sent a malformed answer to {path}.");

    /// <summary>The vault's error codes (docs/VAULT-API.md, "Errors") as failures.</summary>
    internal static VaultException ToException(HttpStatusCode status, ErrorReply? error)
    {
        string code = error?.Error ?? "";
        string detail = string.IsNullOrWhiteSpace(error?.Message) ? $"HTTP {(int)status}" : error!.Message!.ReplaceLineEndings(" ");
        return code switch
        {
            "login_failed" when error?.Locked == true => Locked(lastGuess: true),
            "login_failed" => WrongPassword(error?.GuessesLeft ?? 0),
            "locked" => Locked(lastGuess: false),
            "not_enrolled" => new VaultException(VaultFailure.NotEnrolled, "This account has no escrowed key in the vault (password mode is not enabled, or was disabled)."),
            "already_enrolled" => new VaultException(VaultFailure.AlreadyEnrolled, "This account already escrows a backup key in the vault; use 'lockbox password change' or 'lockbox password reset'."),
            "management_credential_invalid" => new VaultException(VaultFailure.KeyMismatch, "The vault refused: this device's backup key is not the one escrowed for this account."),
            "unauthorized" or "account_mismatch" => new VaultException(VaultFailure.AccountCredentialRejected, $"The vault refused the account credential (LOCKBOX_ACCOUNT_TOKEN or --token): {detail}"),
            "rate_limited" => new VaultException(VaultFailure.RateLimited, "The vault is rate-limiting this account or address; try again in a minute."),
            _ => new VaultException(VaultFailure.Rejected, $"The vault refused the request ({(int)status} {code}): {detail}"),
        };
    }

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
