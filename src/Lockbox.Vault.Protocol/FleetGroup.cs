namespace Lockbox.Vault.Protocol;

/// <summary>One Raft group of the fleet: its id, the slots it serves and its nodes' URLs (normalised).</summary>
internal sealed record FleetGroup(int Id, IReadOnlyList<SlotRange> Slots, IReadOnlyList<string> Nodes);
