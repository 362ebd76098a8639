using System.Text;
using Lockbox.Opaque;

namespace Lockbox.Fuzz.Targets;

/// <summary>
/// One real registration and login between Lockbox's OPAQUE client and server (identity key stretching, fixed
/// test password): the seeds of the OPAQUE and vault request targets are these messages.
/// </summary>
internal sealed class OpaqueSamples
{
    private const int CredentialRequestSize = Lockbox.Opaque.CredentialRequest.Size;
    private const int CredentialResponseSize = Lockbox.Opaque.CredentialResponse.Size;
    private const int EnvelopeSize = Envelope.Size;

    private static readonly Lazy<OpaqueSamples> Lazy = new(() => new OpaqueSamples());

    private OpaqueSamples()
    {
        var config = new OpaqueConfiguration([], KeyStretching.Identity);
        byte[] password = Encoding.UTF8.GetBytes("correct horse battery staple");
        byte[] keySeed = [.. Enumerable.Range(0x10, 32).Select(i => (byte)i)];
        using ServerKeyPair serverKey = ServerKeyPair.DeriveFromSeed([.. Enumerable.Range(0x30, 32).Select(i => (byte)i)]);
        var server = new OpaqueServer(serverKey, config);
        var client = new OpaqueClient(config);

        using ClientRegistrationState registration = client.CreateRegistrationRequest(password);
        RegistrationResponse response = server.CreateRegistrationResponse(registration.Request, keySeed);
        using ClientRegistrationResult result = client.FinalizeRegistrationRequest(registration, password, response);

        using ClientLoginState login = client.GenerateKE1(password);
        KE2 ke2 = server.GenerateKE2(login.KE1, result.Record, keySeed, out _);
        using ClientLoginResult loggedIn = client.GenerateKE3(login, password, ke2)
            ?? throw new InvalidOperationException("The sample login failed.");

        RegistrationRequest = registration.Request.Serialize();
        RegistrationResponse = response.Serialize();
        RegistrationRecord = result.Record.Serialize();
        KE1 = login.KE1.Serialize();
        KE2 = ke2.Serialize();
        KE3 = loggedIn.KE3.Serialize();
    }

    public static OpaqueSamples Instance => Lazy.Value;

    public byte[] RegistrationRequest { get; }
    public byte[] RegistrationResponse { get; }
    public byte[] RegistrationRecord { get; }
    public byte[] KE1 { get; }
    public byte[] KE2 { get; }
    public byte[] KE3 { get; }

    public IEnumerable<KeyValuePair<string, byte[]>> All()
    {
        yield return new("RegistrationRequest", RegistrationRequest);
        yield return new("RegistrationResponse", RegistrationResponse);
        yield return new("RegistrationRecord", RegistrationRecord);
        yield return new("Envelope", RegistrationRecord[^EnvelopeSize..]);
        yield return new("CredentialRequest", KE1[..CredentialRequestSize]);
        yield return new("CredentialResponse", KE2[..CredentialResponseSize]);
        yield return new("AuthRequest", KE1[CredentialRequestSize..]);
        yield return new("AuthResponse", KE2[CredentialResponseSize..]);
        yield return new("KE1", KE1);
        yield return new("KE2", KE2);
        yield return new("KE3", KE3);
    }
}
