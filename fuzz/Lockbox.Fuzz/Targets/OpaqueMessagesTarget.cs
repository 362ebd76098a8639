using Lockbox.Opaque;

namespace Lockbox.Fuzz.Targets;

/// <summary>
/// Every RFC 9807 message type a peer can send (input: selector byte || message). Allowed: OpaqueProtocolException
/// from <c>Parse</c>, false from <c>TryParse</c>; and the two must agree (same verdict, same error, and an
/// accepted message serializes back to exactly its input).
/// </summary>
public sealed class OpaqueMessagesTarget : IFuzzTarget
{
    public string Name => "opaque-messages";

    public string Allows => "OpaqueProtocolException from Parse, false from TryParse; Parse and TryParse must agree and round-trip";

    public void Run(ReadOnlySpan<byte> data)
    {
        if (data.IsEmpty) return;
        OpaqueMessageKind kind = OpaqueMessageKinds.All[data[0] % OpaqueMessageKinds.All.Count];
        ReadOnlySpan<byte> message = data[1..];

        bool accepted = kind.TryParse(message, out OpaqueMessage? parsed, out OpaqueError? error);
        try
        {
            OpaqueMessage strict = kind.Parse(message);
            if (!accepted) throw new FuzzInvariantException($"{kind.Name}: TryParse refused ({error}) what Parse accepted");
            if (!strict.Serialize().AsSpan().SequenceEqual(message) || !parsed!.Serialize().AsSpan().SequenceEqual(message))
                throw new FuzzInvariantException($"{kind.Name}: an accepted message does not serialize back to its input");
        }
        catch (OpaqueProtocolException e)
        {
            if (accepted) throw new FuzzInvariantException($"{kind.Name}: Parse refused ({e.Error}) what TryParse accepted", e);
            if (e.Error != error) throw new FuzzInvariantException($"{kind.Name}: Parse says {e.Error}, TryParse says {error}", e);
        }
    }

    public IEnumerable<KeyValuePair<string, byte[]>> Seeds()
    {
        OpaqueSamples s = OpaqueSamples.Instance;
        foreach ((string name, byte[] bytes) in s.All())
        {
            int index = OpaqueMessageKinds.IndexOf(name);
            yield return new($"{name}.bin", [(byte)index, .. bytes]);
        }
    }
}
