namespace Lockbox.Opaque.Tests.Malformed;

/// <summary>Zero and unreduced scalars are refused wherever a caller can supply one.</summary>
public sealed class ScalarAndKeyTests
{
    private static readonly byte[] Zero = new byte[32];
    private static readonly byte[] GroupOrder = Convert.FromHexString("edd3f55c1a631258d69cf7a2def9de1400000000000000000000000000000010");

    [Fact]
    public void ZeroPrivateKeyIsInvalidScalar() =>
        Assert.Equal(OpaqueError.InvalidScalar, Assert.Throws<OpaqueProtocolException>(() => ServerKeyPair.FromPrivateKey(Zero)).Error);

    [Fact]
    public void UnreducedPrivateKeyIsInvalidScalar() =>
        Assert.Equal(OpaqueError.InvalidScalar, Assert.Throws<OpaqueProtocolException>(() => ServerKeyPair.FromPrivateKey(GroupOrder)).Error);

    [Fact]
    public void ShortPrivateKeyIsInvalidLength() =>
        Assert.Equal(OpaqueError.InvalidLength, Assert.Throws<OpaqueProtocolException>(() => ServerKeyPair.FromPrivateKey(new byte[31])).Error);

    [Fact]
    public void ZeroOrUnreducedBlindIsInvalidScalar()
    {
        var client = new OpaqueClient(new OpaqueConfiguration([], KeyStretching.Identity));
        Assert.Equal(OpaqueError.InvalidScalar, Assert.Throws<OpaqueProtocolException>(() => client.CreateRegistrationRequest("pw"u8, Zero)).Error);
        Assert.Equal(OpaqueError.InvalidScalar, Assert.Throws<OpaqueProtocolException>(() => client.GenerateKE1("pw"u8, GroupOrder, new byte[32], new byte[32])).Error);
    }

    [Fact]
    public void OprfBlindEvaluateRejectsIdentityAndNonCanonicalInput()
    {
        byte[] key = new byte[32];
        key[0] = 7;
        byte[] output = new byte[32];
        Assert.Equal(OpaqueError.IdentityElement, Assert.Throws<OpaqueProtocolException>(() => Oprf.BlindEvaluate(key, Zero, output)).Error);
        byte[] negative = new byte[32];
        negative[0] = 1;
        Assert.Equal(OpaqueError.NonCanonicalElement, Assert.Throws<OpaqueProtocolException>(() => Oprf.BlindEvaluate(key, negative, output)).Error);
    }

    [Fact]
    public void ImportedPrivateKeyGivesTheSamePublicKey()
    {
        using ServerKeyPair generated = ServerKeyPair.Generate();
        byte[] privateKey = new byte[32];
        generated.ExportPrivateKey(privateKey);
        using ServerKeyPair imported = ServerKeyPair.FromPrivateKey(privateKey);
        Assert.Equal(generated.PublicKey.ToArray(), imported.PublicKey.ToArray());
        Assert.DoesNotContain(Convert.ToHexStringLower(privateKey), imported.ToString(), StringComparison.Ordinal);
    }
}
