using System.Security.Cryptography;
using Lockbox.Vault.Core;
using Lockbox.Vault.Core.Hsm;
using Lockbox.Vault.Hsm.Pkcs11;
using Lockbox.Vault.Tests.Support;
using Net.Pkcs11Interop.Common;
using Net.Pkcs11Interop.HighLevelAPI;

namespace Lockbox.Vault.Tests.Hsm;

[Collection(Pkcs11Collection.Name)]
public sealed class Pkcs11HsmTests : HsmContract
{
    private static Pkcs11HsmOptions Options(string prefix, string pin = SoftHsm.UserPin)
    {
        _ = SoftHsm.TokenDirectory;
        return new Pkcs11HsmOptions { LibraryPath = SoftHsm.LibraryPath, TokenLabel = SoftHsm.TokenLabel, Pin = pin, KeyLabelPrefix = prefix };
    }

    private protected override (IHsm Hsm, Func<IHsm> Reopen) CreateFresh()
    {
        Pkcs11HsmOptions options = Options(SoftHsm.NewKeyPrefix());
        return (Pkcs11Hsm.Create(options), () => Pkcs11Hsm.Open(options));
    }

    [Fact]
    public void KeysOfAVaultThatWillNeverBeWrappedAreSensitiveAndNonExtractable()
    {
        using Pkcs11Hsm hsm = Pkcs11Hsm.Create(Options(SoftHsm.NewKeyPrefix()) with { Wrappable = false });
        foreach ((bool sensitive, bool extractable, bool readable) in hsm.InspectKeys())
        {
            Assert.True(sensitive);
            Assert.False(extractable);
            Assert.False(readable);
        }
    }

    [Fact]
    public void OprfKeySeedComputedInTheTokenIsTheRfcExpand()
    {
        // Import a known seed into the token under the labels the HSM looks for, then compare with the RFC formula.
        string prefix = SoftHsm.NewKeyPrefix();
        byte[] oprfSeed = RandomNumberGenerator.GetBytes(64);
        _ = SoftHsm.TokenDirectory;
        ImportKnownKeys(prefix, oprfSeed);
        using Pkcs11Hsm hsm = Pkcs11Hsm.Open(Options(prefix));
        byte[] expected = HKDF.Expand(HashAlgorithmName.SHA512, oprfSeed, 32, "bob+1@example"u8.ToArray().Concat("OprfKey"u8.ToArray()).ToArray());
        Assert.Equal(expected, Seed(hsm, "bob+1@example"));
    }

    [Fact]
    public void WrongPinMissingTokenAndMissingKeysAreClearErrors()
    {
        Assert.Contains("PIN", Assert.Throws<VaultConfigurationException>(() => Pkcs11Hsm.Create(Options(SoftHsm.NewKeyPrefix(), pin: "9999"))).Message, StringComparison.Ordinal);
        Assert.Contains("no vault keys", Assert.Throws<VaultConfigurationException>(() => Pkcs11Hsm.Open(Options(SoftHsm.NewKeyPrefix()))).Message, StringComparison.Ordinal);
        var noToken = Options(SoftHsm.NewKeyPrefix()) with { TokenLabel = "no-such-token" };
        Assert.Contains("No PKCS#11 token labelled", Assert.Throws<VaultConfigurationException>(() => Pkcs11Hsm.Open(noToken)).Message, StringComparison.Ordinal);
    }

    [Fact]
    public void CreateRefusesToOverwriteExistingKeys()
    {
        Pkcs11HsmOptions options = Options(SoftHsm.NewKeyPrefix());
        Pkcs11Hsm.Create(options).Dispose();
        Assert.Contains("refusing to overwrite", Assert.Throws<VaultConfigurationException>(() => Pkcs11Hsm.Create(options)).Message, StringComparison.Ordinal);
    }

    private static void ImportKnownKeys(string prefix, byte[] oprfSeed)
    {
        var f = new Pkcs11InteropFactories();
        IPkcs11Library library = LoadedLibraries.Acquire(f, SoftHsm.LibraryPath);
        try
        {
            ISlot slot = library.GetSlotList(SlotsType.WithTokenPresent).First(s => s.GetTokenInfo().Label.Trim() == SoftHsm.TokenLabel);
            using ISession session = slot.OpenSession(SessionType.ReadWrite);
            try { session.Login(CKU.CKU_USER, SoftHsm.UserPin); }
            catch (Pkcs11Exception e) when (e.RV == CKR.CKR_USER_ALREADY_LOGGED_IN) { }
            session.CreateObject(
            [
                f.ObjectAttributeFactory.Create(CKA.CKA_CLASS, CKO.CKO_SECRET_KEY),
                f.ObjectAttributeFactory.Create(CKA.CKA_KEY_TYPE, CKK.CKK_GENERIC_SECRET),
                f.ObjectAttributeFactory.Create(CKA.CKA_VALUE, oprfSeed),
                f.ObjectAttributeFactory.Create(CKA.CKA_LABEL, prefix + "-oprf-seed"),
                f.ObjectAttributeFactory.Create(CKA.CKA_TOKEN, true),
                f.ObjectAttributeFactory.Create(CKA.CKA_PRIVATE, true),
                f.ObjectAttributeFactory.Create(CKA.CKA_SENSITIVE, true),
                f.ObjectAttributeFactory.Create(CKA.CKA_SIGN, true),
            ]);
            using IMechanism aesGen = f.MechanismFactory.Create(CKM.CKM_AES_KEY_GEN);
            session.GenerateKey(aesGen,
            [
                f.ObjectAttributeFactory.Create(CKA.CKA_CLASS, CKO.CKO_SECRET_KEY),
                f.ObjectAttributeFactory.Create(CKA.CKA_KEY_TYPE, CKK.CKK_AES),
                f.ObjectAttributeFactory.Create(CKA.CKA_VALUE_LEN, 32UL),
                f.ObjectAttributeFactory.Create(CKA.CKA_LABEL, prefix + "-state-key"),
                f.ObjectAttributeFactory.Create(CKA.CKA_TOKEN, true),
                f.ObjectAttributeFactory.Create(CKA.CKA_PRIVATE, true),
                f.ObjectAttributeFactory.Create(CKA.CKA_ENCRYPT, true),
                f.ObjectAttributeFactory.Create(CKA.CKA_DECRYPT, true),
            ]);
        }
        finally
        {
            LoadedLibraries.Release(library);
        }
    }
}
