using System.Security.Cryptography;
using Lockbox.Cryptography.Sodium;

namespace Lockbox.Cryptography.Tests;

/// <summary>The signed transcript of vault answers and the fleet key's text form (docs/VAULT-API.md, "Signed answers").</summary>
public sealed class VaultSigningTests
{
    [Fact]
    public void TranscriptIsLabelThenLengthPrefixedNamesThenHashesAndStatus()
    {
        byte[] t = VaultSigning.Transcript("status", "amy", "{}"u8, 404, "{\"error\":\"not_enrolled\"}"u8);

        byte[] expected =
        [
            .. "lockbox/v1/vault-response"u8, 0, 6, .. "status"u8, 0, 3, .. "amy"u8,
            .. SHA256.HashData("{}"u8), 0x01, 0x94, .. SHA256.HashData("{\"error\":\"not_enrolled\"}"u8),
        ];
        Assert.Equal(expected, t);
    }

    [Fact]
    public void EveryFieldOfTheTranscriptChangesIt()
    {
        byte[] baseline = VaultSigning.Transcript("login/start", "amy", "a"u8, 200, "b"u8);
        Assert.NotEqual(baseline, VaultSigning.Transcript("login/finish", "amy", "a"u8, 200, "b"u8));
        Assert.NotEqual(baseline, VaultSigning.Transcript("login/start", "amz", "a"u8, 200, "b"u8));
        Assert.NotEqual(baseline, VaultSigning.Transcript("login/start", "amy", "A"u8, 200, "b"u8));
        Assert.NotEqual(baseline, VaultSigning.Transcript("login/start", "amy", "a"u8, 201, "b"u8));
        Assert.NotEqual(baseline, VaultSigning.Transcript("login/start", "amy", "a"u8, 200, "B"u8));
        // Length prefixes: moving a byte between endpoint and account gives another transcript.
        Assert.NotEqual(VaultSigning.Transcript("ab", "c", [], 200, []), VaultSigning.Transcript("a", "bc", [], 200, []));
    }

    [Fact]
    public void FleetKeyTextRoundTripsAndRefusesOtherForms()
    {
        byte[] publicKey = Ed25519.PublicKeyFromSeed(Ed25519.GenerateSeed());
        string text = VaultSigning.FormatFleetKey(publicKey);

        Assert.True(VaultSigning.TryParseFleetKey(" " + text + "\n", out byte[] parsed, out _));
        Assert.Equal(publicKey, parsed);
        foreach (string bad in (string[])[text[6..], "lbfk2." + text[6..], text + "A", text[..^1], "lbfk1.", "lbfk1.+/+/", text + "="])
        {
            Assert.False(VaultSigning.TryParseFleetKey(bad, out _, out string? error));
            Assert.False(string.IsNullOrWhiteSpace(error));
        }
    }
}
