namespace Lockbox.Client;

/// <summary>The outcome of <see cref="LockboxClient.VerifyPasswordAsync"/>: the password is right.</summary>
/// <param name="ComparedWithDeviceKey">True when this device holds a key and the vault's escrowed key is the same one.</param>
/// <param name="Elapsed">How long the login and the unwrap took (the Argon2id cost the vault keeps for the account).</param>
public sealed record PasswordCheck(bool ComparedWithDeviceKey, TimeSpan Elapsed);
