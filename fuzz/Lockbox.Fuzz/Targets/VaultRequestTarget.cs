using System.Text;
using System.Text.Json;
using Lockbox.Opaque;
using Lockbox.Vault.Core.State;
using Lockbox.Vault.Protocol;
using Lockbox.Vault.Server.Auth;
using Lockbox.Vault.Server.Http;
using Microsoft.AspNetCore.Http;

namespace Lockbox.Fuzz.Targets;

/// <summary>
/// What the vault reads from the network (input: selector byte || body): each endpoint's JSON body through the
/// vault's own body reader and field checks, then the OPAQUE parse the handler does; the bearer token and the
/// account id of the route. Allowed: none — every bad input must become an error result, false or null.
/// </summary>
public sealed class VaultRequestTarget : IFuzzTarget
{
    private static readonly string[] Endpoints = ["registration-start", "enrol", "login-start", "login-finish", "password", "delete", "token"];
    private static readonly HmacTokenValidator Tokens = new([.. Enumerable.Range(0x60, HmacTokenValidator.KeySize).Select(i => (byte)i)]);

    public string Name => "vault-request";

    public string Allows => "nothing: bodies, tokens and account ids must fail as an error result, false or null";

    public void Run(ReadOnlySpan<byte> data)
    {
        if (data.IsEmpty) return;
        byte[] body = data[1..].ToArray();
        switch (data[0] % Endpoints.Length)
        {
            case 0:
                if (Read<RegistrationStartRequest>(body) is { } start
                    && Field(start.RegistrationRequest, "registrationRequest", RegistrationRequest.Size, out byte[] request)
                    && (start.ManagementCredential is null || Field(start.ManagementCredential, "managementCredential", VaultSizes.ManagementCredential, out _)))
                    _ = RegistrationRequest.TryParse(request, out _);
                break;
            case 1:
                if (Read<EnrolRequest>(body) is { } enrol
                    && Field(enrol.RegistrationRecord, "registrationRecord", RegistrationRecord.Size, out byte[] record)
                    && Field(enrol.WrappedKey, "wrappedKey", VaultSizes.WrappedKey, out _)
                    && Field(enrol.ManagementCredential, "managementCredential", VaultSizes.ManagementCredential, out _)
                    && Field(enrol.EnrolmentId, "enrolmentId", CredentialIdentifier.EnrolmentIdSize, out _))
                    _ = RegistrationRecord.TryParse(record, out _) && enrol.GuessLimit is null or (>= 1 and <= VaultPolicy.MaxGuessLimit) && Ksf(enrol.KeyStretching);
                break;
            case 2:
                if (Read<LoginStartRequest>(body) is { } login && Field(login.Ke1, "ke1", KE1.Size, out byte[] ke1))
                    _ = KE1.TryParse(ke1, out _);
                break;
            case 3:
                if (Read<LoginFinishRequest>(body) is { } finish
                    && Field(finish.SessionId, "sessionId", VaultStateMachine.SessionIdSize, out _)
                    && Field(finish.Ke3, "ke3", KE3.Size, out byte[] ke3))
                    _ = KE3.TryParse(ke3, out _);
                break;
            case 4:
                if (Read<PasswordRequest>(body) is { } password
                    && Field(password.ManagementCredential, "managementCredential", VaultSizes.ManagementCredential, out _)
                    && Field(password.RegistrationRecord, "registrationRecord", RegistrationRecord.Size, out byte[] newRecord)
                    && Field(password.WrappedKey, "wrappedKey", VaultSizes.WrappedKey, out _)
                    && Field(password.EnrolmentId, "enrolmentId", CredentialIdentifier.EnrolmentIdSize, out _))
                    _ = RegistrationRecord.TryParse(newRecord, out _) && Ksf(password.KeyStretching);
                break;
            case 5:
                if (Read<DeleteRequest>(body) is { } delete)
                    _ = Field(delete.ManagementCredential, "managementCredential", VaultSizes.ManagementCredential, out _);
                break;
            default:
                // "token\naccountId": the Authorization header's credential and the route's account id.
                string text = Encoding.UTF8.GetString(body);
                int newline = text.IndexOf('\n', StringComparison.Ordinal);
                string token = newline < 0 ? text : text[..newline];
                string account = newline < 0 ? "" : text[(newline + 1)..];
                string? subject = Tokens.Validate(token);
                _ = AccountIds.IsValid(account) && subject == account;
                break;
        }
    }

    /// <summary>The endpoint's own reader on a request as Kestrel would hand it over.</summary>
    private static T? Read<T>(byte[] body) where T : class
    {
        var context = new DefaultHttpContext();
        context.Request.Method = "POST";
        context.Request.ContentType = "application/json";
        context.Request.ContentLength = body.Length;
        context.Request.Body = new MemoryStream(body, writable: false);
        (T? parsed, IResult? error) = RequestBody.ReadAsync<T>(context).GetAwaiter().GetResult();
        if ((parsed is null) == (error is null)) throw new FuzzInvariantException("RequestBody.ReadAsync returned neither or both of a body and an error");
        return parsed;
    }

    /// <summary>The KSF parameters' range check, as the endpoints apply it.</summary>
    private static bool Ksf(KsfModel? model) => model is { T: { } t, M: { } m, P: { } p } && new KsfParameters(t, m, p).IsValid;

    private static bool Field(string? value, string name, int length, out byte[] bytes)
    {
        bool ok = RequestBody.TryField(value, name, length, out bytes, out IResult? error);
        if (ok ? error is not null || bytes.Length != length : error is null)
            throw new FuzzInvariantException($"RequestBody.TryField({name}) broke its contract");
        return ok;
    }

    public IEnumerable<KeyValuePair<string, byte[]>> Seeds()
    {
        OpaqueSamples s = OpaqueSamples.Instance;
        string b64(byte[] b) => RequestBody.Encode(b);
        string wrapped = b64([.. Enumerable.Range(0, VaultSizes.WrappedKey).Select(i => (byte)(i * 7))]);
        string credential = b64([.. Enumerable.Range(0, VaultSizes.ManagementCredential).Select(i => (byte)(i * 3))]);
        string enrolmentId = b64([.. Enumerable.Range(0, CredentialIdentifier.EnrolmentIdSize).Select(i => (byte)(i * 11))]);
        var ksf = new KsfModel(3, 65536, 4);
        string session = b64([.. Enumerable.Range(0, VaultStateMachine.SessionIdSize).Select(i => (byte)(i * 5))]);
        var json = new JsonSerializerOptions(JsonSerializerDefaults.Web);
        byte[] Body(int endpoint, object value) => [(byte)endpoint, .. JsonSerializer.SerializeToUtf8Bytes(value, json)];

        yield return new("registration-start.json", Body(0, new RegistrationStartRequest(b64(s.RegistrationRequest), null)));
        yield return new("enrol.json", Body(1, new EnrolRequest(b64(s.RegistrationRecord), wrapped, credential, 10, enrolmentId, ksf)));
        yield return new("login-start.json", Body(2, new LoginStartRequest(b64(s.KE1))));
        yield return new("login-finish.json", Body(3, new LoginFinishRequest(session, b64(s.KE3))));
        yield return new("password.json", Body(4, new PasswordRequest(credential, b64(s.RegistrationRecord), wrapped, enrolmentId, ksf)));
        yield return new("delete.json", Body(5, new DeleteRequest(credential)));
        string token = Tokens.Mint("alice@example.org", new DateTimeOffset(2100, 1, 1, 0, 0, 0, TimeSpan.Zero));
        yield return new("token.txt", [6, .. Encoding.UTF8.GetBytes(token + "\nalice@example.org")]);
    }
}
