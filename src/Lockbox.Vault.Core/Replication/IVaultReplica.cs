using Lockbox.Vault.Core.Commands;
using Lockbox.Vault.Core.Opaque;
using Lockbox.Vault.Core.State;

namespace Lockbox.Vault.Core.Replication;

/// <summary>
/// What the HTTP API needs from a vault node, whether it is the single writer of one directory
/// (<c>VaultNode</c>) or one member of a Raft group (<c>ClusterVaultNode</c>). A member that cannot answer
/// from committed state throws <see cref="VaultUnavailableException"/>; it never answers from a stale copy.
/// </summary>
internal interface IVaultReplica
{
    IOpaqueServer Opaque { get; }

    VaultPolicy Policy { get; }

    /// <summary>Commits (durably, on a majority when replicated) and applies the command <paramref name="build"/> makes for the current time.</summary>
    Task<VaultResult> SubmitAsync(Func<long, VaultCommand> build);

    /// <summary>The account's status as of the latest committed command.</summary>
    Task<VaultResult> StatusAsync(string accountId);

    /// <summary>
    /// Raised with the result of each expiry tick the node commits by itself (no request asked for it), so what the
    /// tick erased reaches the audit trail like the effects of requests do.
    /// </summary>
    event EventHandler<VaultResult>? Ticked;

    /// <summary>Reads the account (enrolled or not) as of the latest committed command; logs and counts nothing.</summary>
    Task<VaultResult> RegistrationStartAsync(string accountId, byte[] request, byte[]? managementHash, byte[] enrolmentId);
}
