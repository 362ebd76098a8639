namespace Lockbox.Client;

/// <summary>The outcome of <see cref="LockboxClient.InitAsync"/>.</summary>
/// <param name="Address">The normalized repository address.</param>
/// <param name="KeyDigits">The 64-digit key, grouped as the user should write it down.</param>
/// <param name="KeyOrigin">Whether the key was made now or came from the device or environment.</param>
public sealed record InitResult(string Address, string KeyDigits, KeyOrigin KeyOrigin);
