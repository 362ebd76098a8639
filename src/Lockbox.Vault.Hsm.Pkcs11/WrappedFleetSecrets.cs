namespace Lockbox.Vault.Hsm.Pkcs11;

/// <summary>
/// The fleet's two token secrets wrapped for one joining node (C_WrapKey, CKM_RSA_PKCS_OAEP with SHA-1 and
/// MGF1-SHA-1, the only OAEP hash SoftHSM2 2.6 offers, under that node's <see cref="ProvisioningKey"/>). Only that node's token can unwrap them.
/// </summary>
/// <param name="Recipient">The fingerprint of the <see cref="ProvisioningKey"/> they are wrapped for.</param>
/// <param name="OprfSeed">The wrapped 64-byte OPRF seed.</param>
/// <param name="SealingKey">The wrapped AES-256 state-sealing key.</param>
/// <param name="Check">The ceremony's OPRF key seed for a fixed label, sealed under the sealing key with the recipient and the fleet's public facts as associated data.</param>
public sealed record WrappedFleetSecrets(byte[] Recipient, byte[] OprfSeed, byte[] SealingKey, byte[] Check);
