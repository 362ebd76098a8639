using Lockbox.Vault.Core.Hsm;

namespace Lockbox.Vault.Tests.Hsm;

/// <summary>What every <see cref="IHsm"/> must do; run against the software HSM and against SoftHSM2 over PKCS#11.</summary>
public abstract class HsmContract
{
    /// <summary>A fresh HSM with new keys, and a way to open the same keys again.</summary>
    private protected abstract (IHsm Hsm, Func<IHsm> Reopen) CreateFresh();

    private static readonly byte[] Aad = "lockbox/test/aad"u8.ToArray();

    [Fact]
    public void SealThenOpenReturnsThePlaintext()
    {
        (IHsm hsm, _) = CreateFresh();
        using (hsm)
        {
            byte[] plaintext = "an account record"u8.ToArray();
            byte[] sealedData = hsm.Seal(plaintext, Aad);
            Assert.Equal(plaintext.Length + 28, sealedData.Length);
            Assert.Equal(plaintext, hsm.Open(sealedData, Aad));
            byte[]? empty = hsm.Open(hsm.Seal([], Aad), Aad);
            Assert.NotNull(empty);
            Assert.Empty(empty);
        }
    }

    [Fact]
    public void OpenRefusesEveryFlippedByte()
    {
        (IHsm hsm, _) = CreateFresh();
        using (hsm)
        {
            byte[] sealedData = hsm.Seal("sealed state"u8, Aad);
            for (int i = 0; i < sealedData.Length; i++)
            {
                byte[] tampered = (byte[])sealedData.Clone();
                tampered[i] ^= 0x01;
                Assert.Null(hsm.Open(tampered, Aad));
            }
        }
    }

    [Fact]
    public void OpenRefusesOtherAssociatedDataAndTruncation()
    {
        (IHsm hsm, _) = CreateFresh();
        using (hsm)
        {
            byte[] sealedData = hsm.Seal("log entry 7"u8, Aad);
            Assert.Null(hsm.Open(sealedData, "lockbox/test/other"u8));
            Assert.Null(hsm.Open(sealedData.AsSpan(0, sealedData.Length - 1), Aad));
            Assert.Null(hsm.Open(sealedData.AsSpan(0, 27), Aad));
            Assert.Null(hsm.Open([], Aad));
        }
    }

    [Fact]
    public void EverySealUsesAFreshNonce()
    {
        (IHsm hsm, _) = CreateFresh();
        using (hsm)
        {
            byte[] a = hsm.Seal("same"u8, Aad);
            byte[] b = hsm.Seal("same"u8, Aad);
            Assert.NotEqual(a, b);
            Assert.NotEqual(a[..12], b[..12]);
        }
    }

    [Fact]
    public void OprfKeySeedIsStablePerAccountAndDistinctAcrossAccounts()
    {
        (IHsm hsm, _) = CreateFresh();
        using (hsm)
        {
            byte[] alice1 = Seed(hsm, "alice"), alice2 = Seed(hsm, "alice"), bob = Seed(hsm, "bob");
            Assert.Equal(32, alice1.Length);
            Assert.Equal(alice1, alice2);
            Assert.NotEqual(alice1, bob);
            Assert.Throws<ArgumentException>(() => hsm.DeriveOprfKeySeed("alice"u8, new byte[31]));
        }
    }

    [Fact]
    public void ReopenedHsmOpensEarlierSealsAndDerivesTheSameSeeds()
    {
        (IHsm hsm, Func<IHsm> reopen) = CreateFresh();
        byte[] sealedData, seed;
        using (hsm)
        {
            sealedData = hsm.Seal("survives restarts"u8, Aad);
            seed = Seed(hsm, "carol");
        }
        using IHsm again = reopen();
        Assert.Equal("survives restarts"u8.ToArray(), again.Open(sealedData, Aad));
        Assert.Equal(seed, Seed(again, "carol"));
    }

    [Fact]
    public void AnotherHsmCannotOpenOrReproduceSeeds()
    {
        (IHsm one, _) = CreateFresh();
        (IHsm two, _) = CreateFresh();
        using (one)
        using (two)
        {
            Assert.Null(two.Open(one.Seal("private"u8, Aad), Aad));
            Assert.NotEqual(Seed(one, "dave"), Seed(two, "dave"));
        }
    }

    private protected static byte[] Seed(IHsm hsm, string account)
    {
        byte[] seed = new byte[OprfKeySeed.Size];
        hsm.DeriveOprfKeySeed(System.Text.Encoding.UTF8.GetBytes(account), seed);
        return seed;
    }
}
