using Lockbox.Opaque;

namespace Lockbox.Fuzz.Targets;

/// <summary>
/// OPAQUE messages as the other side processes them, beyond parsing (input: mode byte || message), against the
/// fixed sample states of <see cref="OpaqueSamples"/>: 0, the client finishing registration with a
/// RegistrationResponse; 1, the client answering a KE2 (unmask, open the envelope, 3DH, server MAC); 2, the server
/// answering a KE1; 3, the server answering the sample KE1 from a stored RegistrationRecord; 4, the server checking
/// a KE3. Allowed: false from TryParse, OpaqueProtocolException (a malformed input), a null/false login result.
/// </summary>
public sealed class OpaqueFlowsTarget : IFuzzTarget
{
    private const int Modes = 5;

    public string Name => "opaque-flows";

    public string Allows => "false from TryParse, OpaqueProtocolException, null/false from GenerateKE3/ServerFinish";

    public void Run(ReadOnlySpan<byte> data)
    {
        if (data.IsEmpty) return;
        OpaqueSamples s = OpaqueSamples.Instance;
        ReadOnlySpan<byte> message = data[1..];
        try
        {
            switch (data[0] % Modes)
            {
                case 0:
                    if (!RegistrationResponse.TryParse(message, out RegistrationResponse? response)) return;
                    using (ClientRegistrationState registration = s.NewRegistration())
                    using (s.Client.FinalizeRegistrationRequest(registration, OpaqueSamples.Password, response, OpaqueSamples.EnvelopeNonce))
                    {
                    }
                    break;
                case 1:
                    if (!KE2.TryParse(message, out KE2? ke2)) return;
                    using (ClientLoginState login = s.NewLogin())
                        s.Client.GenerateKE3(login, OpaqueSamples.Password, ke2)?.Dispose();
                    break;
                case 2:
                    if (!KE1.TryParse(message, out KE1? ke1)) return;
                    _ = Respond(ke1, RegistrationRecord.Parse(s.RegistrationRecord), out _);
                    break;
                case 3:
                    if (!RegistrationRecord.TryParse(message, out RegistrationRecord? record)) return;
                    _ = Respond(KE1.Parse(s.KE1), record, out _);
                    break;
                default:
                    if (!KE3.TryParse(message, out KE3? ke3)) return;
                    _ = Respond(KE1.Parse(s.KE1), RegistrationRecord.Parse(s.RegistrationRecord), out ServerLoginState state);
                    _ = OpaqueServer.ServerFinish(state, ke3);
                    break;
            }
        }
        catch (OpaqueProtocolException)
        {
        }
    }

    private static KE2 Respond(KE1 ke1, RegistrationRecord record, out ServerLoginState state) =>
        OpaqueSamples.Instance.Server.GenerateKE2(ke1, record, OpaqueSamples.KeySeed,
            OpaqueSamples.MaskingNonce, OpaqueSamples.ServerNonce, OpaqueSamples.ServerKeyshareSeed, out state);

    public IEnumerable<KeyValuePair<string, byte[]>> Seeds()
    {
        OpaqueSamples s = OpaqueSamples.Instance;
        yield return new("registration-response.bin", [0, .. s.RegistrationResponse]);
        yield return new("ke2.bin", [1, .. s.KE2]);
        yield return new("ke1.bin", [2, .. s.KE1]);
        yield return new("record.bin", [3, .. s.RegistrationRecord]);
        yield return new("ke3.bin", [4, .. s.KE3]);
    }
}
