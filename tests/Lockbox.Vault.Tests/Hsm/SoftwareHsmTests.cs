using System.Security.Cryptography;
using Lockbox.Vault.Core.Hsm;
using Lockbox.Vault.Server.Hsm;
using Lockbox.Vault.Tests.Support;

namespace Lockbox.Vault.Tests.Hsm;

public sealed class SoftwareHsmTests : HsmContract, IDisposable
{
    private readonly TempDir _dir = new();

    private protected override (IHsm Hsm, Func<IHsm> Reopen) CreateFresh()
    {
        string path = Path.Combine(_dir.Path, Guid.NewGuid().ToString("N") + ".key");
        return (SoftwareHsm.Create(path), () => SoftwareHsm.Open(path));
    }

    [Fact]
    public void KeyFileIsOwnerOnlyAndTheSeedIsTheRfcExpand()
    {
        string path = Path.Combine(_dir.Path, "hsm.key");
        using SoftwareHsm hsm = SoftwareHsm.Create(path);
        if (!OperatingSystem.IsWindows()) Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(path));

        byte[] file = File.ReadAllBytes(path);
        byte[] oprfSeed = file.AsSpan(7, 64).ToArray();
        // RFC 9807: Expand(oprf_seed, credential_identifier || "OprfKey", 32) = HMAC-SHA512(oprf_seed, id || "OprfKey" || 0x01)[..32]
        byte[] expected = HMACSHA512.HashData(oprfSeed, "alice@example"u8.ToArray().Concat("OprfKey"u8.ToArray()).Append((byte)1).ToArray())[..32];
        Assert.Equal(expected, Seed(hsm, "alice@example"));
        Assert.Equal(expected, HKDF.Expand(HashAlgorithmName.SHA512, oprfSeed, 32, "alice@example"u8.ToArray().Concat("OprfKey"u8.ToArray()).ToArray()));
    }

    [Fact]
    public void CreateRefusesToOverwriteAndOpenRejectsForeignFiles()
    {
        string path = Path.Combine(_dir.Path, "hsm.key");
        SoftwareHsm.Create(path).Dispose();
        Assert.Throws<IOException>(() => SoftwareHsm.Create(path));
        string other = Path.Combine(_dir.Path, "other.key");
        File.WriteAllBytes(other, new byte[103]);
        var e = Assert.Throws<Lockbox.Vault.Core.VaultConfigurationException>(() => SoftwareHsm.Open(other));
        Assert.Contains("not a Lockbox software HSM file", e.Message, StringComparison.Ordinal);
    }

    public void Dispose() => _dir.Dispose();
}
