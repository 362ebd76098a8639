namespace Lockbox.Vault.Server.Hosting;

/// <summary>What the key ceremony made public: the fleet public key clients pin (base64url, 32 bytes).</summary>
public sealed record VaultInitResult(string Directory, string FleetPublicKey, string Hsm);
