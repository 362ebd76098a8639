using Lockbox.Client.Vault;
using Lockbox.Cryptography;

namespace Lockbox.Vault.Tests.EndToEnd;

/// <summary>The password flows of the vault client SDK against a real vault over loopback HTTP.</summary>
public sealed class PasswordRecoveryTests
{
    [Fact]
    public async Task EnrolledKeyComesBackWithTheRightPassword()
    {
        await using VaultRig rig = await VaultRig.StartAsync();
        using BackupKey key = BackupKey.Generate();
        using (VaultClient phone = rig.Client("alice"))
        {
            VaultAccountStatus enrolled = await phone.EnrolAsync("correct horse battery staple", key);
            Assert.Equal(10, enrolled.GuessesLeft);
        }
        using VaultClient newPhone = rig.Client("alice");
        using BackupKey recovered = await newPhone.RecoverAsync("correct horse battery staple");
        Assert.True(recovered.SameAs(key));
    }
}
