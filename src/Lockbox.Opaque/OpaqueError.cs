namespace Lockbox.Opaque;

/// <summary>Why a protocol input was rejected. Login failure is deliberately not one of them (see <see cref="OpaqueClient.GenerateKE3(ClientLoginState, ReadOnlySpan{byte}, KE2, OpaqueIdentities?)"/>).</summary>
public enum OpaqueError
{
    /// <summary>A message or key does not have the exact length of the suite.</summary>
    InvalidLength = 1,

    /// <summary>Bytes that are not the canonical encoding of a ristretto255 element.</summary>
    NonCanonicalElement,

    /// <summary>The identity element, which no honest party ever sends.</summary>
    IdentityElement,

    /// <summary>A scalar that is zero or not reduced modulo the group order.</summary>
    InvalidScalar,

    /// <summary>An OPRF input that hashes to the identity (RFC 9497 InvalidInputError), or key derivation that found no non-zero scalar.</summary>
    InvalidInput,

    /// <summary>The server's evaluated element equals the client's blinded element (a reflected OPRF evaluation).</summary>
    ReflectedElement,
}
