namespace Lockbox.Client.Tests.Support;

/// <summary>A device an app runs on: its own private state folder, and a client bound to it (folders as stores).</summary>
internal static class Device
{
    public static LockboxClient Client(string stateDirectory, string? keyDigits = null, Vault.VaultClientOptions? vault = null) => new(new LockboxClientOptions
    {
        State = new DeviceState(stateDirectory),
        KeyDigits = keyDigits,
        Vault = vault,
    });
}
