using Lockbox.Client.Vault;
using Lockbox.Opaque;
using Lockbox.Vault.Server.Hosting;
using Lockbox.Vault.Tests.Support;

namespace Lockbox.Vault.Tests.EndToEnd;

/// <summary>Device-side vault clients (the SDK under test) for a <see cref="VaultUnderTest"/>.</summary>
internal static class DeviceClients
{
    public static byte[] FleetKey(this VaultUnderTest vault)
    {
        Assert.True(Client.Vault.FleetKey.TryParse(vault.Vault.FleetPublicKey, out byte[] key, out _));
        return key;
    }

    public static string Token(this VaultUnderTest vault, string account) => VaultHost.MintToken(vault.Directory, account);

    /// <summary>A device's vault client for <paramref name="account"/>, with the cheap test preset unless told otherwise.</summary>
    public static VaultClient Device(this VaultUnderTest vault, string account, Argon2idKeyStretching? stretching = null, byte[]? pinnedKey = null) => new(new VaultClientOptions
    {
        VaultUrl = vault.Vault.BaseAddress,
        AccountId = account,
        AccountToken = vault.Token(account),
        FleetPublicKey = pinnedKey ?? vault.FleetKey(),
        KeyStretching = stretching ?? KeyStretchingPresets.Test,
    });

    public static string NewAccount() => "user-" + Guid.NewGuid().ToString("N")[..12] + "@example.com";
}
