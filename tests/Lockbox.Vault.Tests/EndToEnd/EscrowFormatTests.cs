using System.Security.Cryptography;
using System.Text;
using Lockbox.Client.Vault;
using Lockbox.Cryptography;
using Lockbox.Vault.Core.State;

namespace Lockbox.Vault.Tests.EndToEnd;

/// <summary>
/// The device's escrow bytes against docs/VAULT-API.md's formulas, recomputed here from the literal labels
/// with .NET's HKDF and AES-GCM, and against the vault's own transport seal.
/// </summary>
public sealed class EscrowFormatTests
{
    private const string Account = "alice@example.com";

    [Fact]
    public void ManagementCredentialIsHkdfOfKUnderTheDocumentedSaltAndLabel()
    {
        byte[] k = Enumerable.Range(0, 32).Select(i => (byte)i).ToArray();
        using BackupKey key = BackupKey.Import(k);
        byte[] expected = HKDF.DeriveKey(HashAlgorithmName.SHA256, k, 32, "lockbox/v1/hkdf-salt"u8.ToArray(), "lockbox/v1/vault-management"u8.ToArray());
        Assert.Equal(expected, EscrowCrypto.ManagementCredential(key));
    }

    [Fact]
    public void WrappedKeyIsAesGcmOfKUnderTheExportKeyWithTheAccountAsAssociatedData()
    {
        byte[] exportKey = RandomNumberGenerator.GetBytes(64);
        using BackupKey key = BackupKey.Generate();
        byte[] wrapped = EscrowCrypto.Wrap(exportKey, key, Account);
        Assert.Equal(60, wrapped.Length);

        byte[] wrapKey = HKDF.DeriveKey(HashAlgorithmName.SHA256, exportKey, 32, [], "lockbox/v1/vault-key-wrap"u8.ToArray());
        byte[] plain = new byte[32];
        using (var gcm = new AesGcm(wrapKey, 16))
            gcm.Decrypt(wrapped[..12], wrapped[12..44], wrapped[44..], plain, Encoding.UTF8.GetBytes(Account));
        using BackupKey opened = BackupKey.Import(plain);
        Assert.True(opened.SameAs(key));

        using BackupKey? unwrapped = EscrowCrypto.TryUnwrap(exportKey, wrapped, Account);
        Assert.NotNull(unwrapped);
        Assert.True(unwrapped.SameAs(key));
        Assert.Null(EscrowCrypto.TryUnwrap(exportKey, wrapped, "mallory@example.com"));
        exportKey[0] ^= 1;
        Assert.Null(EscrowCrypto.TryUnwrap(exportKey, wrapped, Account));
    }

    [Fact]
    public void DeviceOpensTheVaultsTransportSealAndRejectsAnyFlippedByte()
    {
        byte[] sessionKey = RandomNumberGenerator.GetBytes(64);
        byte[] wrapped = RandomNumberGenerator.GetBytes(60);
        byte[] sealedKey = VaultStateMachine.SealForTransport(sessionKey, Account, wrapped, RandomNumberGenerator.GetBytes(12));
        Assert.Equal(88, sealedKey.Length);
        Assert.Equal(wrapped, EscrowCrypto.TryUnseal(sessionKey, sealedKey, Account));

        for (int i = 0; i < sealedKey.Length; i++)
        {
            byte[] tampered = (byte[])sealedKey.Clone();
            tampered[i] ^= 0x40;
            Assert.Null(EscrowCrypto.TryUnseal(sessionKey, tampered, Account));
        }
        Assert.Null(EscrowCrypto.TryUnseal(sessionKey, sealedKey, "bob@example.com"));
        Assert.Null(EscrowCrypto.TryUnseal(sessionKey, sealedKey[..87], Account));
    }

    [Fact]
    public void PresetsParseByNameAndByParametersAndRejectNonsenseWithAReason()
    {
        Assert.True(KeyStretchingPresets.TryParse("phone", out var phone, out _));
        Assert.Equal((3, 65536, 4), (phone!.Iterations, phone.MemoryKiB, phone.Parallelism));
        Assert.True(KeyStretchingPresets.TryParse(null, out var fallback, out _));
        Assert.Same(KeyStretchingPresets.Phone, fallback);
        Assert.True(KeyStretchingPresets.TryParse("t=2, m=4096, p=2", out var custom, out _));
        Assert.Equal((2, 4096, 2), (custom!.Iterations, custom.MemoryKiB, custom.Parallelism));

        Assert.False(KeyStretchingPresets.TryParse("fast", out _, out string? error));
        Assert.Contains("phone (default)", error, StringComparison.Ordinal);
        Assert.False(KeyStretchingPresets.TryParse("t=1,m=8", out _, out error));
        Assert.Contains("needs all of t, m and p", error, StringComparison.Ordinal);
        Assert.False(KeyStretchingPresets.TryParse("t=1,m=8,p=4", out _, out error));
        Assert.Contains("8*p <= m", error, StringComparison.Ordinal);
    }

    [Fact]
    public void FleetKeyIsLbfk1AndUnpaddedBase64UrlOf32Bytes()
    {
        string text = FleetKey.Format(Enumerable.Repeat((byte)0xfb, 32).ToArray());
        Assert.Equal("lbfk1.".Length + 43, text.Length);
        Assert.StartsWith("lbfk1.", text, StringComparison.Ordinal);
        Assert.True(FleetKey.TryParse(text, out byte[] key, out _));
        Assert.All(key, b => Assert.Equal(0xfb, b));
        Assert.False(FleetKey.TryParse(text + "=", out _, out string? error));
        Assert.Contains("base64url", error, StringComparison.Ordinal);
        Assert.False(FleetKey.TryParse(text[..46], out _, out error));
        Assert.Contains("32 bytes", error, StringComparison.Ordinal);
        // A key pinned before signed answers (the bare 32-byte OPAQUE key) is refused with one line.
        Assert.False(FleetKey.TryParse(text["lbfk1.".Length..], out _, out error));
        Assert.Contains("must start with 'lbfk1.'", error, StringComparison.Ordinal);
        Assert.DoesNotContain('\n', error!);
    }
}
