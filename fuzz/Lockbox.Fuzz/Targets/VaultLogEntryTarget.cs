using Lockbox.Vault.Core.Commands;

namespace Lockbox.Fuzz.Targets;

/// <summary>
/// A vault command-log entry after the HSM opened it (<c>CommandCodec.Deserialize</c>, what start-up replays).
/// Allowed: FormatException. A decoded entry of the current version must encode back to exactly its input.
/// </summary>
public sealed class VaultLogEntryTarget : IFuzzTarget
{
    public string Name => "vault-log-entry";

    public string Allows => "FormatException; an accepted entry of the current version must re-encode to the same bytes";

    public void Run(ReadOnlySpan<byte> data)
    {
        byte[] entry = data.ToArray();
        VaultCommand command;
        try
        {
            command = CommandCodec.Deserialize(entry);
        }
        catch (FormatException)
        {
            return;
        }
        // The account id decodes UTF-8 leniently (bad bytes become U+FFFD), so only such ids may not re-encode;
        // an entry of an older version is read but written in the current one.
        if (entry[0] == CommandCodec.Version && !command.AccountId.Contains('\uFFFD', StringComparison.Ordinal)
            && !CommandCodec.Serialize(command).AsSpan().SequenceEqual(entry))
            throw new FuzzInvariantException("a decoded log entry does not re-encode to the same bytes");
    }

    public IEnumerable<KeyValuePair<string, byte[]>> Seeds() =>
        VaultSamples.Entries().Select(e => new KeyValuePair<string, byte[]>($"{e.Key}.bin", e.Value));
}
