using System.Text;
using Lockbox.Opaque;

namespace Lockbox.Fuzz.Targets;

/// <summary>
/// One deterministic registration and login between Lockbox's OPAQUE client and server (identity key stretching,
/// fixed test password, fixed blinds, nonces and seeds): the seeds of the OPAQUE and vault targets, and the fixed
/// client and server states the opaque-flows target answers fuzzed messages with.
/// </summary>
internal sealed class OpaqueSamples
{
    private const int CredentialRequestSize = Lockbox.Opaque.CredentialRequest.Size;
    private const int CredentialResponseSize = Lockbox.Opaque.CredentialResponse.Size;
    private const int EnvelopeSize = Envelope.Size;

    private static readonly Lazy<OpaqueSamples> Lazy = new(() => new OpaqueSamples());

    // Fixed 32-byte values; scalars end below 0x10 so they are canonical (below the group order).
    private static byte[] Fixed(int start, bool scalar = false)
    {
        byte[] b = [.. Enumerable.Range(start, 32).Select(i => (byte)i)];
        if (scalar) b[31] &= 0x0F;
        return b;
    }

    private OpaqueSamples()
    {
        var config = new OpaqueConfiguration([], KeyStretching.Identity);
        Server = new OpaqueServer(ServerKeyPair.DeriveFromSeed(Fixed(0x30)), config);
        Client = new OpaqueClient(config);

        using ClientRegistrationState registration = NewRegistration();
        RegistrationResponse response = Server.CreateRegistrationResponse(registration.Request, KeySeed);
        using ClientRegistrationResult result = Client.FinalizeRegistrationRequest(registration, Password, response, EnvelopeNonce);

        using ClientLoginState login = NewLogin();
        KE2 ke2 = Server.GenerateKE2(login.KE1, result.Record, KeySeed, MaskingNonce, ServerNonce, ServerKeyshareSeed, out _);
        using ClientLoginResult loggedIn = Client.GenerateKE3(login, Password, ke2)
            ?? throw new InvalidOperationException("The sample login failed.");

        RegistrationRequest = registration.Request.Serialize();
        RegistrationResponse = response.Serialize();
        RegistrationRecord = result.Record.Serialize();
        KE1 = login.KE1.Serialize();
        KE2 = ke2.Serialize();
        KE3 = loggedIn.KE3.Serialize();
    }

    public static OpaqueSamples Instance => Lazy.Value;

    public static byte[] Password { get; } = Encoding.UTF8.GetBytes("correct horse battery staple");
    public static byte[] KeySeed { get; } = Fixed(0x10);
    public static byte[] MaskingNonce { get; } = Fixed(0x60);
    public static byte[] ServerNonce { get; } = Fixed(0x70);
    public static byte[] ServerKeyshareSeed { get; } = Fixed(0x80);
    public static byte[] EnvelopeNonce { get; } = Fixed(0x50);

    public OpaqueServer Server { get; }
    public OpaqueClient Client { get; }

    public byte[] RegistrationRequest { get; }
    public byte[] RegistrationResponse { get; }
    public byte[] RegistrationRecord { get; }
    public byte[] KE1 { get; }
    public byte[] KE2 { get; }
    public byte[] KE3 { get; }

    /// <summary>The client's registration state for the sample (a fresh object, the same values every time).</summary>
    public ClientRegistrationState NewRegistration() => Client.CreateRegistrationRequest(Password, Fixed(0x20, scalar: true));

    /// <summary>The client's login state for the sample (a fresh object, the same values every time).</summary>
    public ClientLoginState NewLogin() => Client.GenerateKE1(Password, Fixed(0x40, scalar: true), Fixed(0x90), Fixed(0xA0));

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
