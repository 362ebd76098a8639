using Lockbox.Opaque;

namespace Lockbox.Fuzz.Targets;

/// <summary>The message types of RFC 9807 that Lockbox parses; the selector byte of the opaque-messages target indexes this list.</summary>
public static class OpaqueMessageKinds
{
    public static IReadOnlyList<OpaqueMessageKind> All { get; } =
    [
        new("RegistrationRequest", d => RegistrationRequest.Parse(d), (ReadOnlySpan<byte> d, out OpaqueMessage? m, out OpaqueError? e) => Wrap(RegistrationRequest.TryParse(d, out RegistrationRequest? x, out e), x, out m)),
        new("RegistrationResponse", d => RegistrationResponse.Parse(d), (ReadOnlySpan<byte> d, out OpaqueMessage? m, out OpaqueError? e) => Wrap(RegistrationResponse.TryParse(d, out RegistrationResponse? x, out e), x, out m)),
        new("RegistrationRecord", d => RegistrationRecord.Parse(d), (ReadOnlySpan<byte> d, out OpaqueMessage? m, out OpaqueError? e) => Wrap(RegistrationRecord.TryParse(d, out RegistrationRecord? x, out e), x, out m)),
        new("Envelope", d => Envelope.Parse(d), (ReadOnlySpan<byte> d, out OpaqueMessage? m, out OpaqueError? e) => Wrap(Envelope.TryParse(d, out Envelope? x, out e), x, out m)),
        new("CredentialRequest", d => CredentialRequest.Parse(d), (ReadOnlySpan<byte> d, out OpaqueMessage? m, out OpaqueError? e) => Wrap(CredentialRequest.TryParse(d, out CredentialRequest? x, out e), x, out m)),
        new("CredentialResponse", d => CredentialResponse.Parse(d), (ReadOnlySpan<byte> d, out OpaqueMessage? m, out OpaqueError? e) => Wrap(CredentialResponse.TryParse(d, out CredentialResponse? x, out e), x, out m)),
        new("AuthRequest", d => AuthRequest.Parse(d), (ReadOnlySpan<byte> d, out OpaqueMessage? m, out OpaqueError? e) => Wrap(AuthRequest.TryParse(d, out AuthRequest? x, out e), x, out m)),
        new("AuthResponse", d => AuthResponse.Parse(d), (ReadOnlySpan<byte> d, out OpaqueMessage? m, out OpaqueError? e) => Wrap(AuthResponse.TryParse(d, out AuthResponse? x, out e), x, out m)),
        new("KE1", d => KE1.Parse(d), (ReadOnlySpan<byte> d, out OpaqueMessage? m, out OpaqueError? e) => Wrap(KE1.TryParse(d, out KE1? x, out e), x, out m)),
        new("KE2", d => KE2.Parse(d), (ReadOnlySpan<byte> d, out OpaqueMessage? m, out OpaqueError? e) => Wrap(KE2.TryParse(d, out KE2? x, out e), x, out m)),
        new("KE3", d => KE3.Parse(d), (ReadOnlySpan<byte> d, out OpaqueMessage? m, out OpaqueError? e) => Wrap(KE3.TryParse(d, out KE3? x, out e), x, out m)),
    ];

    public static int IndexOf(string name)
    {
        for (int i = 0; i < All.Count; i++)
            if (All[i].Name == name) return i;
        throw new ArgumentException($"No OPAQUE message type {name}.", nameof(name));
    }

    private static bool Wrap(bool ok, OpaqueMessage? parsed, out OpaqueMessage? message)
    {
        message = parsed;
        return ok;
    }
}
