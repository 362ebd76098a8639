namespace Lockbox.Opaque;

/// <summary>
/// A protocol input was malformed: wrong length, not a canonical element, the identity, a bad scalar.
/// The message names the field, never a secret. Authentication failures are not exceptions: they are
/// results (<see cref="OpaqueServer.ServerFinish(ServerLoginState, KE3)"/>, <see cref="OpaqueClient.GenerateKE3(ClientLoginState, ReadOnlySpan{byte}, KE2, OpaqueIdentities?)"/>).
/// </summary>
public sealed class OpaqueProtocolException : Exception
{
    public OpaqueProtocolException(OpaqueError error, string message)
        : base(message)
    {
        Error = error;
    }

    /// <summary>The kind of malformed input.</summary>
    public OpaqueError Error { get; }
}
