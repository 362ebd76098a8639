namespace Lockbox.Client;

/// <summary>Where the backup key used for an operation came from.</summary>
public enum KeyOrigin
{
    /// <summary>This device's state (the original device).</summary>
    DeviceState,

    /// <summary>The 64-digit key the app passed in <see cref="LockboxClientOptions.KeyDigits"/>.</summary>
    Digits,

    /// <summary>Typed by the user at a hidden prompt.</summary>
    Prompt,

    /// <summary>Made fresh from the CSPRNG by <see cref="LockboxClient.CreateAsync"/>.</summary>
    Generated,

    /// <summary>Recovered from the key vault with the password (password mode).</summary>
    Vault,
}
