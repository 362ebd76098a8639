namespace Lockbox.Vault.Protocol;

/// <summary>Slots <see cref="First"/> to <see cref="Last"/>, both included.</summary>
internal readonly record struct SlotRange(int First, int Last);
