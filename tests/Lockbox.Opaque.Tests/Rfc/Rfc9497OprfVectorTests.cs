using System.Text.Json;

namespace Lockbox.Opaque.Tests.Rfc;

/// <summary>RFC 9497 Appendix A.1.1: OPRF(ristretto255, SHA-512), mode 0, every field.</summary>
public sealed class Rfc9497OprfVectorTests
{
    private static JsonElement Suite()
    {
        foreach (JsonElement suite in Fixtures.Load("opaque/oprf-ristretto255-SHA512.json").EnumerateArray())
        {
            if (suite.GetProperty("mode").GetInt32() == 0 && suite.GetProperty("identifier").GetString() == "ristretto255-SHA512")
                return suite;
        }
        throw new InvalidOperationException("No ristretto255-SHA512 mode 0 suite in the vectors.");
    }

    [Fact]
    public void DeriveKeyPairReproducesSkSm()
    {
        JsonElement suite = Suite();
        byte[] sk = new byte[32];
        byte[] pk = new byte[32];
        Oprf.DeriveKeyPair(suite.Hex("seed"), suite.Hex("keyInfo"), sk, pk);
        Assert.Equal(Convert.ToHexStringLower(suite.Hex("skSm")), Convert.ToHexStringLower(sk));
    }

    [Fact]
    public void EveryVectorMatchesBlindedEvaluatedAndOutput()
    {
        JsonElement suite = Suite();
        byte[] sk = suite.Hex("skSm");
        int count = 0;
        foreach (JsonElement v in suite.GetProperty("vectors").EnumerateArray())
        {
            Assert.Equal(1, v.GetProperty("Batch").GetInt32());
            byte[] input = v.Hex("Input");
            byte[] blind = v.Hex("Blind");
            byte[] blinded = new byte[32];
            Oprf.Blind(input, blind, blinded);
            Assert.Equal(v.GetProperty("BlindedElement").GetString(), Convert.ToHexStringLower(blinded));

            byte[] evaluated = new byte[32];
            Oprf.BlindEvaluate(sk, blinded, evaluated);
            Assert.Equal(v.GetProperty("EvaluationElement").GetString(), Convert.ToHexStringLower(evaluated));

            byte[] output = new byte[64];
            Oprf.Finalize(input, blind, evaluated, output);
            Assert.Equal(v.GetProperty("Output").GetString(), Convert.ToHexStringLower(output));
            count++;
        }
        Assert.Equal(2, count);
    }
}
