namespace Lockbox.Vault.Server.Http;

/// <summary>
/// Endpoint metadata: the answers of this endpoint are signed by <see cref="ResponseSigning"/> under
/// <paramref name="Name"/>, its canonical name in the transcript (<c>Lockbox.Cryptography.VaultSigning.Endpoints</c>).
/// </summary>
internal sealed record SignedEndpoint(string Name);
