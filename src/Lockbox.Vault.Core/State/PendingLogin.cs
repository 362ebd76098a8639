namespace Lockbox.Vault.Core.State;

/// <summary>A KE2 that has left the vault and awaits its KE3 (one use; expires at <see cref="ExpiresMs"/>).</summary>
/// <param name="Fake">True for the unknown-account path: no KE3 can succeed.</param>
/// <param name="RecordVersion">The record version the KE2 was computed from; a change in between voids the session.</param>
internal sealed record PendingLogin(string AccountId, byte[] ServerState, long ExpiresMs, bool Fake, long RecordVersion);
