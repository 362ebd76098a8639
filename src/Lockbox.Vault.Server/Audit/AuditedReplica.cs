using Lockbox.Vault.Core.Commands;
using Lockbox.Vault.Core.Opaque;
using Lockbox.Vault.Core.Replication;
using Lockbox.Vault.Core.State;

namespace Lockbox.Vault.Server.Audit;

/// <summary>
/// Puts every account command the HTTP API submits on the audit trail, with its outcome, after it committed (or
/// failed to). Reads (status, registration start) are not operations and are not audited. A login whose failure
/// erased the escrowed key gets a second line, <c>lockout</c>; so does each account whose key was erased because its
/// last pending logins expired (outcome <c>key_erased_on_expiry</c>), whether a request or the node's own expiry tick
/// applied the expiry.
/// </summary>
internal sealed class AuditedReplica : IVaultReplica
{
    private readonly IVaultReplica _inner;
    private readonly VaultAudit _audit;

    public AuditedReplica(IVaultReplica inner, VaultAudit audit)
    {
        _inner = inner;
        _audit = audit;
        inner.Ticked += (_, result) => RecordExpiryErasures(result);
    }

    public event EventHandler<VaultResult>? Ticked
    {
        add => _inner.Ticked += value;
        remove => _inner.Ticked -= value;
    }

    public IOpaqueServer Opaque => _inner.Opaque;

    public VaultPolicy Policy => _inner.Policy;

    public async Task<VaultResult> SubmitAsync(Func<long, VaultCommand> build)
    {
        VaultCommand? command = null;
        VaultResult result;
        try
        {
            result = await _inner.SubmitAsync(now => command = build(now)).ConfigureAwait(false);
        }
        catch (VaultUnavailableException e)
        {
            if (command is not null) _audit.Record(Operation(command), command.AccountId, e.NoQuorum ? "no_quorum" : "not_leader", null);
            throw;
        }
        catch (Exception)
        {
            if (command is not null) _audit.Record(Operation(command), command.AccountId, "error", null);
            throw;
        }
        if (command is null) return result;
        if (command is not TickCommand)
        {
            _audit.Record(Operation(command), command.AccountId, Outcome(result.Outcome), result.GuessesLeft);
            if (result.Erased && command is StartLoginCommand or FinishLoginCommand && result.Outcome == VaultOutcome.LoginFailed)
                _audit.Record("lockout", command.AccountId, "key_erased", 0);
        }
        RecordExpiryErasures(result);
        return result;
    }

    private void RecordExpiryErasures(VaultResult result)
    {
        foreach (string account in result.ExpiryErasures) _audit.Record("lockout", account, "key_erased_on_expiry", 0);
    }

    public Task<VaultResult> StatusAsync(string accountId) => _inner.StatusAsync(accountId);

    public Task<VaultResult> RegistrationStartAsync(string accountId, byte[] request, byte[]? managementHash, byte[] enrolmentId) =>
        _inner.RegistrationStartAsync(accountId, request, managementHash, enrolmentId);

    private static string Operation(VaultCommand command) => command switch
    {
        EnrolCommand => "enrol",
        StartLoginCommand => "login_start",
        FinishLoginCommand => "login_finish",
        ChangePasswordCommand => "password_change",
        ResetPasswordCommand => "password_reset",
        DeleteCommand => "delete",
        AnchorCommand => "anchor",
        _ => command.Kind.ToString().ToLowerInvariant(),
    };

    private static string Outcome(VaultOutcome outcome) => System.Text.Json.JsonNamingPolicy.SnakeCaseLower.ConvertName(outcome.ToString());
}
