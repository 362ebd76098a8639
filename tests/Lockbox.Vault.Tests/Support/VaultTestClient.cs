using System.Buffers.Text;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Lockbox.Cryptography;
using Lockbox.Opaque;

namespace Lockbox.Vault.Tests.Support;

/// <summary>
/// The client side of docs/VAULT-API.md, written from the spec for these server tests (the product SDK
/// lives in Lockbox.Client): real OPAQUE messages from Lockbox.Opaque's client, the key wrap under the
/// export key, the management credential, and the transport unsealing. Identity KSF keeps tests fast;
/// the vault never sees the KSF.
/// </summary>
internal sealed class VaultTestClient(HttpClient http, string accountId, string token, string fleetKey)
{
    public static readonly OpaqueClient Opaque = new(new OpaqueConfiguration([], KeyStretching.Identity));

    public string AccountId => accountId;
    public string Token => token;

    public sealed record Reply(HttpStatusCode Status, JsonElement Body)
    {
        public string? Error => Body.ValueKind == JsonValueKind.Object && Body.TryGetProperty("error", out JsonElement e) ? e.GetString() : null;
        public int GuessesLeft => Body.GetProperty("guessesLeft").GetInt32();
        public byte[] Bytes(string field) => Base64Url.DecodeFromChars(Body.GetProperty(field).GetString());
    }

    public sealed record PendingLogin(ClientLoginState State, string Password, Reply Reply)
    {
        public string SessionId => Reply.Body.GetProperty("sessionId").GetString()!;
        public KE2 KE2 => KE2.Parse(Reply.Bytes("ke2"));
    }

    public static string B64(ReadOnlySpan<byte> bytes) => Base64Url.EncodeToString(bytes);

    public static byte[] ManagementCredential(BackupKey key) => key.Derive(Labels.VaultManagement);

    public Task<Reply> PostAsync(string path, object body, string? bearer = null) =>
        SendAsync(HttpMethod.Post, path, JsonContent.Create(body), bearer ?? token);

    public async Task<Reply> SendAsync(HttpMethod method, string path, HttpContent? content, string? bearer)
    {
        using var request = new HttpRequestMessage(method, $"v1/accounts/{accountId}/{path}") { Content = content };
        if (bearer is not null) request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", bearer);
        using HttpResponseMessage response = await http.SendAsync(request);
        string text = await response.Content.ReadAsStringAsync();
        JsonElement body = text.Length == 0 ? default : JsonDocument.Parse(text).RootElement.Clone();
        return new Reply(response.StatusCode, body);
    }

    public Task<Reply> StatusAsync() => SendAsync(HttpMethod.Get, "status", null, token);

    /// <summary>Registration (two round trips) producing the record and the key wrapped under the export key.</summary>
    public async Task<(byte[] Record, byte[] WrappedKey, byte[] ExportKey)> RegisterAsync(string password, BackupKey key)
    {
        byte[] pw = Encoding.UTF8.GetBytes(password);
        using ClientRegistrationState state = Opaque.CreateRegistrationRequest(pw);
        Reply response = await PostAsync("registration/start", new { registrationRequest = B64(state.Request.Serialize()) });
        if (response.Status != HttpStatusCode.OK) throw new InvalidOperationException($"registration/start: {response.Status} {response.Body}");
        using ClientRegistrationResult result = Opaque.FinalizeRegistrationRequest(state, pw, RegistrationResponse.Parse(response.Bytes("registrationResponse")));
        Assert.Equal(Base64Url.DecodeFromChars(fleetKey), result.ServerPublicKey.ToArray());
        byte[] wrapKey = HKDF.DeriveKey(HashAlgorithmName.SHA256, result.ExportKey.ToArray(), 32, [], Labels.VaultKeyWrap.ToArray());
        byte[] k = new byte[BackupKey.Size];
        key.CopyTo(k);
        byte[] wrapped = Aead.Seal(wrapKey, k, Encoding.UTF8.GetBytes(accountId));
        return (result.Record.Serialize(), wrapped, result.ExportKey.ToArray());
    }

    public async Task<Reply> EnrolAsync(string password, BackupKey key, int? guessLimit = null)
    {
        (byte[] record, byte[] wrapped, _) = await RegisterAsync(password, key);
        return await PostAsync("enrol", new
        {
            registrationRecord = B64(record),
            wrappedKey = B64(wrapped),
            managementCredential = B64(ManagementCredential(key)),
            guessLimit,
        });
    }

    public async Task<PendingLogin> StartLoginAsync(string password)
    {
        ClientLoginState state = Opaque.GenerateKE1(Encoding.UTF8.GetBytes(password));
        Reply reply = await PostAsync("login/start", new { ke1 = B64(state.KE1.Serialize()) });
        return new PendingLogin(state, password, reply);
    }

    /// <summary>The KE3 the client computes (null when the password is wrong: the envelope does not open).</summary>
    public static ClientLoginResult? Ke3For(PendingLogin login) =>
        Opaque.GenerateKE3(login.State, Encoding.UTF8.GetBytes(login.Password), login.KE2);

    public Task<Reply> FinishAsync(string sessionId, ReadOnlySpan<byte> ke3) =>
        PostAsync("login/finish", new { sessionId, ke3 = B64(ke3) });

    /// <summary>
    /// A full login. With a wrong password the client cannot make a valid KE3 (its envelope does not
    /// open); like an attacker, it then sends a random KE3 so the server sees a failed finish.
    /// </summary>
    public async Task<(Reply Start, Reply? Finish, byte[]? Key)> LoginAsync(string password)
    {
        PendingLogin login = await StartLoginAsync(password);
        if (login.Reply.Status != HttpStatusCode.OK) return (login.Reply, null, null);
        using ClientLoginResult? result = Ke3For(login);
        byte[] ke3 = result?.KE3.Serialize() ?? RandomNumberGenerator.GetBytes(64);
        Reply finish = await FinishAsync(login.SessionId, ke3);
        if (finish.Status != HttpStatusCode.OK || result is null) return (login.Reply, finish, null);
        Assert.Equal(Base64Url.DecodeFromChars(fleetKey), result.ServerPublicKey.ToArray());
        return (login.Reply, finish, OpenSealedKey(result, finish.Bytes("sealedKey")));
    }

    /// <summary>transport_key from the session key opens sealedKey; wrap_key from the export key opens the wrapped K.</summary>
    public byte[] OpenSealedKey(ClientLoginResult result, byte[] sealedKey)
    {
        byte[] aad = Encoding.UTF8.GetBytes(accountId);
        byte[] transportKey = HKDF.DeriveKey(HashAlgorithmName.SHA256, result.SessionKey.ToArray(), 32, [], Labels.VaultTransport.ToArray());
        byte[] wrapped = Aead.Open(transportKey, sealedKey, aad) ?? throw new InvalidOperationException("sealedKey did not open: tampered");
        byte[] wrapKey = HKDF.DeriveKey(HashAlgorithmName.SHA256, result.ExportKey.ToArray(), 32, [], Labels.VaultKeyWrap.ToArray());
        return Aead.Open(wrapKey, wrapped, aad) ?? throw new InvalidOperationException("wrappedKey did not open: tampered");
    }
}
