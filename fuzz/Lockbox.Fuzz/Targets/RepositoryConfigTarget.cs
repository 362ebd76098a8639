using Lockbox.Repository;
using Lockbox.Repository.Format;
using Lockbox.Repository.Format.Config;

namespace Lockbox.Fuzz.Targets;

/// <summary>
/// The repository's config object. Mode byte 0: the object as stored, through <c>ReadPublic</c> (what anyone
/// reads without K: the hints) and <c>Decode</c> under the fixed test key. Mode 1: the input is the config with
/// its parameters in clear (header || parameters); the target puts the right key-check in and seals the
/// parameters, so <c>Decode</c>'s parameter parser is reached. Allowed: NotARepositoryException,
/// CorruptDataException, WrongKeyException.
/// </summary>
public sealed class RepositoryConfigTarget : IFuzzTarget
{
    private const int KeyCheckOffset = 1 + FormatConstants.RepositoryIdSize; // after the magic: version || id

    public string Name => "repository-config";

    public string Allows => "NotARepositoryException, CorruptDataException, WrongKeyException";

    public void Run(ReadOnlySpan<byte> data)
    {
        if (data.IsEmpty) return;
        try
        {
            byte[] config = data[0] % 2 == 0 ? data[1..].ToArray() : SealParameters(data[1..]);
            _ = RepositoryConfig.ReadPublic(config, "fuzz");
            _ = RepositoryConfig.Decode(TestKeys.Repository, config, "fuzz");
        }
        catch (Exception e) when (e is NotARepositoryException or CorruptDataException or WrongKeyException)
        {
        }
    }

    /// <summary>Mode 1: header || parameters in clear -> the config a writer holding the test key would store.</summary>
    private static byte[] SealParameters(ReadOnlySpan<byte> clear)
    {
        (byte[] id, _, _, int headerLength) = RepositoryConfig.ReadPublic(clear, "fuzz");
        byte[] header = clear[..headerLength].ToArray();
        TestKeys.Repository.KeyCheck(id).CopyTo(header, FormatConstants.ConfigMagic.Length + KeyCheckOffset);
        return [.. header, .. Cryptography.Aead.Seal(TestKeys.Repository.ConfigKey, clear[headerLength..], header)];
    }

    public IEnumerable<KeyValuePair<string, byte[]>> Seeds()
    {
        byte[] plain = RepositorySamples.Config(null).Encode(TestKeys.Repository);
        byte[] hinted = RepositorySamples.Config(RepositorySamples.Hints).Encode(TestKeys.Repository);
        yield return new("config.bin", [0, .. plain]);
        yield return new("config-hints.bin", [0, .. hinted]);
        yield return new("config-hints-clear.bin", [1, .. Unseal(hinted)]);
    }

    /// <summary>The inverse of <see cref="SealParameters"/>, for the mode-1 seed.</summary>
    private static byte[] Unseal(byte[] config)
    {
        (_, _, _, int headerLength) = RepositoryConfig.ReadPublic(config, "seed");
        byte[] parameters = Cryptography.Aead.Open(TestKeys.Repository.ConfigKey, config.AsSpan(headerLength), config.AsSpan(0, headerLength))
            ?? throw new InvalidOperationException("The seed config does not open.");
        return [.. config.AsSpan(0, headerLength), .. parameters];
    }
}
