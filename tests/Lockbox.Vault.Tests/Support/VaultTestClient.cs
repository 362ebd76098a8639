using System.Buffers.Text;
using System.Net;
using System.Net.Http.Headers;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Lockbox.Cryptography;
using Lockbox.Cryptography.Sodium;
using Lockbox.Opaque;

namespace Lockbox.Vault.Tests.Support;

/// <summary>
/// The client side of docs/VAULT-API.md, written from the spec for these server tests (the product SDK
/// lives in Lockbox.Client): real OPAQUE messages from Lockbox.Opaque's client, the key wrap under the
/// export key, the management credential, and the transport unsealing. Identity KSF keeps tests fast;
/// the vault never sees the KSF (the parameters it is told are <see cref="Ksf"/>). Every request carries a
/// fresh nonce; every reply records whether its Lockbox-Signature verifies under the pinned fleet key. The
/// registration's enrolment id is remembered and sent with the next enrol / change / reset that lacks one.
/// </summary>
internal sealed class VaultTestClient(HttpClient http, string accountId, string token, string fleetKey)
{
    public static readonly OpaqueClient Opaque = new(new OpaqueConfiguration([], KeyStretching.Identity));

    /// <summary>The Argon2id parameters the test client claims (it runs the identity KSF; the vault cannot tell).</summary>
    public static readonly object Ksf = new { t = 1, m = 64, p = 1 };

    private readonly byte[] _fleetKey = VaultSigning.TryParseFleetKey(fleetKey, out byte[] k, out _) ? k : throw new ArgumentException("bad fleet key");

    public string AccountId => accountId;
    public string Token => token;

    /// <summary>The enrolment id of the last registration/start this client made.</summary>
    public string? EnrolmentId { get; private set; }

    public sealed record Reply(HttpStatusCode Status, JsonElement Body, bool Signed = true)
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

    public Task<Reply> PostAsync(string path, object body, string? bearer = null)
    {
        JsonObject json = JsonSerializer.SerializeToNode(body)!.AsObject();
        json["nonce"] ??= B64(RandomNumberGenerator.GetBytes(16));
        if (path is "enrol" or "password/change" or "password/reset")
        {
            if (!json.ContainsKey("enrolmentId") && EnrolmentId is not null) json["enrolmentId"] = EnrolmentId;
            if (!json.ContainsKey("keyStretching")) json["keyStretching"] = JsonSerializer.SerializeToNode(Ksf);
        }
        var content = new ByteArrayContent(JsonSerializer.SerializeToUtf8Bytes(json));
        content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        return SendAsync(HttpMethod.Post, path, content, bearer ?? token);
    }

    public async Task<Reply> SendAsync(HttpMethod method, string path, HttpContent? content, string? bearer)
    {
        using var request = new HttpRequestMessage(method, $"v1/accounts/{accountId}/{path}") { Content = content };
        if (bearer is not null) request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", bearer);
        byte[] sent = content is null ? [] : await content.ReadAsByteArrayAsync();
        using HttpResponseMessage response = await http.SendAsync(request);
        byte[] received = await response.Content.ReadAsByteArrayAsync();
        JsonElement body = received.Length == 0 ? default : JsonDocument.Parse(received).RootElement.Clone();
        return new Reply(response.StatusCode, body, IsSigned(_fleetKey, response, path, accountId, sent, received));
    }

    /// <summary>True when the answer's Lockbox-Signature verifies over (endpoint, account, sent, status, received).</summary>
    public static bool IsSigned(byte[] fleetKey, HttpResponseMessage response, string endpoint, string account, byte[] sent, byte[] received)
    {
        if (!response.Headers.TryGetValues(VaultSigning.SignatureHeader, out IEnumerable<string>? values)) return false;
        byte[] signature;
        try
        {
            signature = Base64Url.DecodeFromChars(values.Single());
        }
        catch (FormatException)
        {
            return false;
        }
        return Ed25519.Verify(fleetKey, VaultSigning.Transcript(endpoint, account, sent, (int)response.StatusCode, received), signature);
    }

    public Task<Reply> StatusAsync() => PostAsync("status", new { });

    /// <summary>The OPAQUE server public key, from the signed hello.</summary>
    public async Task<byte[]> ServerKeyAsync()
    {
        byte[] sent = JsonSerializer.SerializeToUtf8Bytes(new { nonce = B64(RandomNumberGenerator.GetBytes(16)) });
        using var content = new ByteArrayContent(sent);
        content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        using HttpResponseMessage response = await http.PostAsync("v1/hello", content);
        byte[] received = await response.Content.ReadAsByteArrayAsync();
        Assert.True(IsSigned(_fleetKey, response, "hello", "", sent, received));
        return Base64Url.DecodeFromChars(JsonDocument.Parse(received).RootElement.GetProperty("serverPublicKey").GetString());
    }

    /// <summary>
    /// Registration (two round trips) producing the record and the key wrapped under the export key. The
    /// request carries <paramref name="key"/>'s management credential (needed when the account already has a
    /// record; ignored otherwise); the enrolment id the vault chose is kept in <see cref="EnrolmentId"/>.
    /// </summary>
    public async Task<(byte[] Record, byte[] WrappedKey, byte[] ExportKey)> RegisterAsync(string password, BackupKey key)
    {
        byte[] pw = Encoding.UTF8.GetBytes(password);
        using ClientRegistrationState state = Opaque.CreateRegistrationRequest(pw);
        Reply response = await PostAsync("registration/start", new { registrationRequest = B64(state.Request.Serialize()), managementCredential = B64(ManagementCredential(key)) });
        if (response.Status != HttpStatusCode.OK) throw new InvalidOperationException($"registration/start: {response.Status} {response.Body}");
        Assert.True(response.Signed);
        EnrolmentId = response.Body.GetProperty("enrolmentId").GetString();
        using ClientRegistrationResult result = Opaque.FinalizeRegistrationRequest(state, pw, RegistrationResponse.Parse(response.Bytes("registrationResponse")));
        Assert.Equal(await ServerKeyAsync(), result.ServerPublicKey.ToArray());
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
        Assert.Equal(await ServerKeyAsync(), result.ServerPublicKey.ToArray());
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
