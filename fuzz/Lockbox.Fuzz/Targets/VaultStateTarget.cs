using Lockbox.Vault.Core.State;

namespace Lockbox.Fuzz.Targets;

/// <summary>
/// The vault's state snapshot after the HSM opened it (<c>VaultState.Deserialize</c>, what start-up reads first).
/// Allowed: FormatException.
/// </summary>
public sealed class VaultStateTarget : IFuzzTarget
{
    public string Name => "vault-state";

    public string Allows => "FormatException";

    public void Run(ReadOnlySpan<byte> data)
    {
        try
        {
            VaultState state = VaultState.Deserialize(data.ToArray());
            _ = state.Serialize();
        }
        catch (FormatException)
        {
        }
    }

    public IEnumerable<KeyValuePair<string, byte[]>> Seeds()
    {
        yield return new("state.bin", VaultSamples.State().Serialize());
        yield return new("empty.bin", new VaultState().Serialize());
    }
}
